"""The orders service's pure rules: no framework, no I/O, no clock (callers pass `now`).

Modules, by topic:
  states       Status, Role, Action
  lifecycle    the TRANSITIONS table, transition(), history entries, amount-change decision
  deadlines    Deadlines config, what is due at `now` (expire, buyer lapse, auto-close)
  totals       order totals, payment parts, delivery quote and amount change recomputation
  tabs         listing tabs as status filters
  visibility   who sees an order, buyer vs seller views
  permissions  messages, notes, reviews (guest orders have no chat and no reviews)
  shop_rules   what a shop allows at checkout: its contact methods, a vacation without cart
  errors       typed errors and their codes
"""

from .deadlines import (
    Deadlines,
    DueItem,
    DueKind,
    OrderTimes,
    add_working_days,
    auto_close_at,
    buyer_lapse_at,
    confirm_deadline,
    due,
)
from .lifecycle import (
    BUYER_LAPSE,
    REPEATS,
    TRANSITIONS,
    AmountChangeDecision,
    AmountChangeKind,
    AmountRequestStatus,
    Context,
    HistoryEntry,
    OrderState,
    Outcome,
    Rule,
    TransitionResult,
    allowed_actions,
    can,
    decide_amount_change,
    placed_entry,
    rule_for,
    transition,
)
from .permissions import ensure_can_keep_notes, ensure_can_message, ensure_can_review
from .shop_rules import closed_by_vacation, contact_method_refusal
from .states import Action, Role, Status
from .tabs import TAB_STATUSES, Tab, listing_filter, statuses_for_tab, tab_of
from .totals import (
    AmountChange,
    Part,
    PaymentParts,
    Totals,
    change_amount,
    compute_totals,
    payment_parts,
    with_delivery,
)
from .visibility import (
    Viewer,
    buyer_view,
    can_view,
    ensure_can_view,
    is_guest_order,
    seller_view,
    view_for,
)

__all__ = [
    "BUYER_LAPSE",
    "REPEATS",
    "TAB_STATUSES",
    "TRANSITIONS",
    "Action",
    "AmountChange",
    "AmountChangeDecision",
    "AmountChangeKind",
    "AmountRequestStatus",
    "Context",
    "Deadlines",
    "DueItem",
    "DueKind",
    "HistoryEntry",
    "OrderState",
    "OrderTimes",
    "Outcome",
    "Part",
    "PaymentParts",
    "Role",
    "Rule",
    "Status",
    "Tab",
    "Totals",
    "TransitionResult",
    "Viewer",
    "add_working_days",
    "allowed_actions",
    "auto_close_at",
    "buyer_lapse_at",
    "buyer_view",
    "can",
    "can_view",
    "change_amount",
    "closed_by_vacation",
    "compute_totals",
    "confirm_deadline",
    "contact_method_refusal",
    "decide_amount_change",
    "due",
    "ensure_can_keep_notes",
    "ensure_can_message",
    "ensure_can_review",
    "ensure_can_view",
    "is_guest_order",
    "listing_filter",
    "payment_parts",
    "placed_entry",
    "rule_for",
    "seller_view",
    "statuses_for_tab",
    "tab_of",
    "transition",
    "view_for",
    "with_delivery",
]
