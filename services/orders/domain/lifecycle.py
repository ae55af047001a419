"""The order state machine: one table of allowed moves, one `transition()` that applies it.

Every accepted move returns the next status, the event to record in the outbox and a history entry
{at, by, from, to, reason}. A refused move raises a typed error from `errors`:

* no row for (status, action)                       → `WrongState` (409, `wrong_state`)
* a row, but not for this role                      → `WrongRole` (403, `wrong_role`)
* a row whose guard finds it too early / too late   → `DeadlineNotReached` / `DeadlinePassed` (409)
* a cancel or amount change without a reason        → `ReasonRequired` (422)
A role that never appears for an action (a buyer confirming) is `WrongRole` whatever the status.

Repeats (STYLE.md: decided per action). A repeat is an action arriving when the order is already
where that action leads. It is a no-op (`Outcome.REPEAT`: no event, no history), not an error, so
that retried requests, double clicks and redelivered notifications are harmless:

    confirm           no-op on confirmed
    cancel            no-op on cancelled (the first reason stands); on expired it is wrong_state
    expire            no-op on expired
    mark_paid         no-op on paid
    pay_full          no-op on paid, shipped, received, completed (a late or duplicate
    pay_advance       no-op on partially_paid, in_production, paid, shipped, received, completed
    pay_balance       no-op on paid, shipped, received, completed    payment.succeeded)
    start_production  no-op on in_production
    ship              no-op on shipped, received, completed (a further or late shipment adds its
                      track; no second order.shipped)
    receive           no-op on received
    complete          no-op on completed
    auto_complete     no-op on completed
    request_balance, change_amount, set_delivery_cost, add_shipment: never a repeat, each call is a
    new fact with its own history entry (the status stays).
A payment arriving for a cancelled or expired order is `wrong_state`: the caller refunds it.

Timer jobs pass `Context.expected_status`; if the order is no longer in it, the move is a no-op
(`Outcome.MOVED_ON`), as in artsy/exchange.

Decisions where the specs are silent:
* Shipping only from `paid`. Seeds 001 and 003 put "mark as paid" before "sent", also when payment
  is agreed with the seller outside the platform, and seed 000 ships after the second payment; so an
  "agree with the seller" order goes confirmed → mark_paid → paid → ship. There is no ship from
  confirmed (no cash on delivery in the seeds).
* A payment may arrive for a `placed` order (shops whose payment timing is `at_checkout`, seed 003:
  "Open → Paid → Sent"); the payments service decides when a buyer may pay, and money taken is
  never refused by the state machine. Such an order skips `confirmed`.
* The seller's confirm is refused (`deadline_passed`) from the confirm deadline on, even if the
  expiry timer has not run yet; at that instant the expire is allowed: one of the two, never both.
* `buyer_lapse` is a cancel reason for a `confirmed` order only (unpaid: no advance either), from
  the end of the shop's confirm_days window after confirmation.
* The buyer's cancel needs no reason (default `cancelled_by_buyer`); the seller's and admin's do.
* The admin may cancel before shipping, close a received order, and change the amount in any status
  up to received; the seller changes the amount only while placed/confirmed, otherwise the change
  becomes a request to the admin (`decide_amount_change`).
* `request_balance` keeps the status and emits `order.balance_requested` (the buyer's notice); the
  seller's note and attachments ride in the event and in the history row's details.
* The seller's delivery quote (`set_delivery_cost`) is only for a method whose cost the seller
  sets (`delivery_not_quoted_by_seller` otherwise).
* A shipment is added from `paid` (`ship`) and, as a further track, to a `shipped` order
  (`add_shipment`); nowhere else.

`can(status, action, role)` answers from the same table whether a role may take an action in a
status (guards aside), for the code that has to decide before it moves anything.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from . import deadlines as dl
from .errors import DeadlineNotReached, DeadlinePassed, ReasonRequired, WrongRole, WrongState
from .states import Action, Role, Status, as_action, as_role, as_status

BUYER_LAPSE = "buyer_lapse"


@dataclass(frozen=True, slots=True)
class OrderState:
    """What the rules need to know about an order: its status and its timestamps."""

    status: Status
    placed_at: datetime
    confirmed_at: datetime | None = None
    shipped_at: datetime | None = None
    production_ends_at: datetime | None = None
    delivery_fixed: bool = False  # the delivery method has its own cost: no seller quote

    @property
    def times(self) -> dl.OrderTimes:
        return dl.OrderTimes(
            self.placed_at, self.confirmed_at, self.shipped_at, self.production_ends_at
        )


@dataclass(frozen=True, slots=True)
class Context:
    reason: str | None = None
    actor_id: str | None = None  # recorded in the history entry with the role
    deadlines: dl.Deadlines = field(default_factory=dl.Deadlines)
    expected_status: Status | None = None  # timer jobs: no-op if the order has moved on


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    at: datetime
    by: Role
    from_status: Status | None  # None only for the first, `placed`, entry
    to_status: Status
    reason: str | None = None
    action: Action | None = None
    actor_id: str | None = None

    def to_dict(self) -> dict:
        """The API's history entry: {at, by, from, to, reason}."""
        return {
            "at": self.at.isoformat(),
            "by": self.by.value,
            "from": self.from_status.value if self.from_status else None,
            "to": self.to_status.value,
            "reason": self.reason,
        }


def placed_entry(
    at: datetime,
    by: Role | str = Role.BUYER,
    actor_id: str | None = None,
    reason: str | None = None,
) -> HistoryEntry:
    """The entry every history starts with (the seller places orders on a customer's behalf)."""
    return HistoryEntry(at, as_role(by), None, Status.PLACED, reason, None, actor_id)


class Outcome(StrEnum):
    APPLIED = "applied"  # the move happened: record the event and the history entry
    REPEAT = "repeat"  # the order is already where the action leads: nothing to do
    MOVED_ON = "moved_on"  # a timer's expected status is stale: nothing to do


@dataclass(frozen=True, slots=True)
class TransitionResult:
    previous_status: Status
    new_status: Status
    event_type: str | None
    history_entry: HistoryEntry | None
    outcome: Outcome = Outcome.APPLIED

    @property
    def applied(self) -> bool:
        return self.outcome is Outcome.APPLIED


Guard = Callable[[OrderState, Context, datetime, Role], None]


# Guards: raise a typed error or return None ------------------------------------------------------
def before_confirm_deadline(order: OrderState, ctx: Context, now: datetime, role: Role) -> None:
    deadline = dl.confirm_deadline(order.times, ctx.deadlines)
    if dl.is_reached(deadline, now):
        raise DeadlinePassed(f"the confirm deadline passed at {deadline.isoformat()}")


def confirm_deadline_reached(order: OrderState, ctx: Context, now: datetime, role: Role) -> None:
    deadline = dl.confirm_deadline(order.times, ctx.deadlines)
    if not dl.is_reached(deadline, now):
        raise DeadlineNotReached(f"the order expires at {deadline.isoformat()}")


def auto_close_reached(order: OrderState, ctx: Context, now: datetime, role: Role) -> None:
    deadline = dl.auto_close_at(order.times, ctx.deadlines)
    if not dl.is_reached(deadline, now):
        raise DeadlineNotReached(f"the auto-close date is {deadline.isoformat()}")


def seller_quotes_delivery(order: OrderState, ctx: Context, now: datetime, role: Role) -> None:
    if order.delivery_fixed:
        raise WrongState("this order's delivery method has a fixed cost",
                         "delivery_not_quoted_by_seller")


def reason_required(order: OrderState, ctx: Context, now: datetime, role: Role) -> None:
    if not (ctx.reason and ctx.reason.strip()):
        raise ReasonRequired("a reason is required", errors={"reason": "required"})


def cancel_rules(order: OrderState, ctx: Context, now: datetime, role: Role) -> None:
    """Seller and admin give a reason; `buyer_lapse` only past the buyer's window, while unpaid."""
    if role is not Role.BUYER:
        reason_required(order, ctx, now, role)
    if ctx.reason != BUYER_LAPSE:
        return
    if order.status is not Status.CONFIRMED:
        raise WrongState("buyer_lapse applies only to a confirmed, unpaid order")
    deadline = dl.buyer_lapse_at(order.times, ctx.deadlines)
    if not dl.is_reached(deadline, now):
        when = deadline.isoformat() if deadline else "after confirmation"
        raise DeadlineNotReached(f"the buyer's window to confirm or pay lasts until {when}")


# The table ----------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Rule:
    source: Status
    action: Action
    roles: frozenset[Role]
    guard: Guard | None
    target: Status
    event: str | None


S = Status
A = Action
SELLER = frozenset({Role.SELLER})
BUYER = frozenset({Role.BUYER})
SYSTEM = frozenset({Role.SYSTEM})
ADMIN = frozenset({Role.ADMIN})
SELLER_ADMIN = frozenset({Role.SELLER, Role.ADMIN})
ANY_PARTY = frozenset({Role.BUYER, Role.SELLER, Role.ADMIN})
AMOUNT_CHANGED = "order.amount_changed"  # status unchanged; history records the change
BALANCE_REQUESTED = "order.balance_requested"  # status unchanged; the buyer is asked to pay

# fmt: off
TRANSITIONS: tuple[Rule, ...] = (
    # Rule(from, action, roles allowed, guard, -> to, event emitted)
    Rule(S.PLACED, A.CONFIRM, SELLER, before_confirm_deadline, S.CONFIRMED, "order.confirmed"),
    Rule(S.PLACED, A.CANCEL, ANY_PARTY, cancel_rules, S.CANCELLED, "order.cancelled"),
    Rule(S.PLACED, A.EXPIRE, SYSTEM, confirm_deadline_reached, S.EXPIRED, "order.expired"),
    Rule(S.PLACED, A.PAY_FULL, SYSTEM, None, S.PAID, "order.paid"),
    Rule(S.PLACED, A.PAY_ADVANCE, SYSTEM, None, S.PARTIALLY_PAID, "order.partially_paid"),
    Rule(S.PLACED, A.CHANGE_AMOUNT, SELLER_ADMIN, reason_required, S.PLACED, AMOUNT_CHANGED),
    Rule(S.PLACED, A.SET_DELIVERY_COST, SELLER, seller_quotes_delivery, S.PLACED,
         AMOUNT_CHANGED),

    Rule(S.CONFIRMED, A.CANCEL, SELLER_ADMIN, cancel_rules, S.CANCELLED, "order.cancelled"),
    Rule(S.CONFIRMED, A.MARK_PAID, SELLER, None, S.PAID, "order.paid"),
    Rule(S.CONFIRMED, A.PAY_FULL, SYSTEM, None, S.PAID, "order.paid"),
    Rule(S.CONFIRMED, A.PAY_ADVANCE, SYSTEM, None, S.PARTIALLY_PAID, "order.partially_paid"),
    Rule(S.CONFIRMED, A.CHANGE_AMOUNT, SELLER_ADMIN, reason_required, S.CONFIRMED, AMOUNT_CHANGED),
    Rule(S.CONFIRMED, A.SET_DELIVERY_COST, SELLER, seller_quotes_delivery, S.CONFIRMED,
         AMOUNT_CHANGED),

    Rule(S.PARTIALLY_PAID, A.CANCEL, SELLER_ADMIN, cancel_rules, S.CANCELLED, "order.cancelled"),
    Rule(S.PARTIALLY_PAID, A.MARK_PAID, SELLER, None, S.PAID, "order.paid"),
    Rule(S.PARTIALLY_PAID, A.START_PRODUCTION, SELLER, None, S.IN_PRODUCTION,
         "order.in_production"),
    Rule(S.PARTIALLY_PAID, A.PAY_BALANCE, SYSTEM, None, S.PAID, "order.paid"),
    Rule(S.PARTIALLY_PAID, A.CHANGE_AMOUNT, ADMIN, reason_required, S.PARTIALLY_PAID,
         AMOUNT_CHANGED),

    Rule(S.IN_PRODUCTION, A.CANCEL, SELLER_ADMIN, cancel_rules, S.CANCELLED, "order.cancelled"),
    Rule(S.IN_PRODUCTION, A.MARK_PAID, SELLER, None, S.PAID, "order.paid"),
    Rule(S.IN_PRODUCTION, A.REQUEST_BALANCE, SELLER, None, S.IN_PRODUCTION, BALANCE_REQUESTED),
    Rule(S.IN_PRODUCTION, A.PAY_BALANCE, SYSTEM, None, S.PAID, "order.paid"),
    Rule(S.IN_PRODUCTION, A.CHANGE_AMOUNT, ADMIN, reason_required, S.IN_PRODUCTION,
         AMOUNT_CHANGED),

    Rule(S.PAID, A.CANCEL, SELLER_ADMIN, cancel_rules, S.CANCELLED, "order.cancelled"),
    Rule(S.PAID, A.SHIP, SELLER, None, S.SHIPPED, "order.shipped"),
    Rule(S.PAID, A.CHANGE_AMOUNT, ADMIN, reason_required, S.PAID, AMOUNT_CHANGED),

    Rule(S.SHIPPED, A.RECEIVE, BUYER, None, S.RECEIVED, "order.received"),
    Rule(S.SHIPPED, A.ADD_SHIPMENT, SELLER, None, S.SHIPPED, None),
    Rule(S.SHIPPED, A.AUTO_COMPLETE, SYSTEM, auto_close_reached, S.COMPLETED, "order.completed"),
    Rule(S.SHIPPED, A.CHANGE_AMOUNT, ADMIN, reason_required, S.SHIPPED, AMOUNT_CHANGED),

    Rule(S.RECEIVED, A.COMPLETE, SELLER_ADMIN, None, S.COMPLETED, "order.completed"),
    Rule(S.RECEIVED, A.AUTO_COMPLETE, SYSTEM, auto_close_reached, S.COMPLETED, "order.completed"),
    Rule(S.RECEIVED, A.CHANGE_AMOUNT, ADMIN, reason_required, S.RECEIVED, AMOUNT_CHANGED),
)
# fmt: on

_PAID_ONWARD = frozenset({S.PAID, S.SHIPPED, S.RECEIVED, S.COMPLETED})

# Where a repeat of the action is a no-op (see the module docstring); elsewhere a missing row
# is `wrong_state`.
REPEATS: dict[Action, frozenset[Status]] = {
    A.CONFIRM: frozenset({S.CONFIRMED}),
    A.CANCEL: frozenset({S.CANCELLED}),
    A.EXPIRE: frozenset({S.EXPIRED}),
    A.MARK_PAID: frozenset({S.PAID}),
    A.PAY_FULL: _PAID_ONWARD,
    A.PAY_ADVANCE: _PAID_ONWARD | {S.PARTIALLY_PAID, S.IN_PRODUCTION},
    A.PAY_BALANCE: _PAID_ONWARD,
    A.START_PRODUCTION: frozenset({S.IN_PRODUCTION}),
    A.SHIP: frozenset({S.SHIPPED, S.RECEIVED, S.COMPLETED}),
    A.RECEIVE: frozenset({S.RECEIVED}),
    A.COMPLETE: frozenset({S.COMPLETED}),
    A.AUTO_COMPLETE: frozenset({S.COMPLETED}),
}

# A history reason when the caller gives none.
DEFAULT_REASONS: dict[tuple[Action, Role | None], str] = {
    (A.CANCEL, Role.BUYER): "cancelled_by_buyer",
    (A.EXPIRE, None): "seller_lapse",
    (A.AUTO_COMPLETE, None): "auto_close",
    (A.MARK_PAID, None): "paid_outside_platform",
    (A.REQUEST_BALANCE, None): "balance_requested",
}

_INDEX: dict[tuple[Status, Action], Rule] = {}
for _rule in TRANSITIONS:
    if (_rule.source, _rule.action) in _INDEX:  # pragma: no cover - a table error, caught at import
        raise RuntimeError(f"two rows for {_rule.source.value} / {_rule.action.value}")
    _INDEX[(_rule.source, _rule.action)] = _rule

ROLES_BY_ACTION: dict[Action, frozenset[Role]] = {
    action: frozenset().union(*(r.roles for r in TRANSITIONS if r.action is action))
    for action in Action
}


def rule_for(status: Status | str, action: Action | str) -> Rule | None:
    """The table's row for (status, action), or None."""
    return _INDEX.get((as_status(status), as_action(action)))


def can(status: Status | str, action: Action | str, role: Role | str) -> bool:
    """Whether the table has a row letting `role` take `action` in `status`. Guards (deadlines,
    reasons) are not evaluated: they are checked when the move is made."""
    rule = _INDEX.get((as_status(status), as_action(action)))
    return rule is not None and as_role(role) in rule.roles


def allowed_actions(status: Status | str, role: Role | str) -> list[Action]:
    """Actions this role may attempt in this status (guards not evaluated): the UI's buttons."""
    status, role = as_status(status), as_role(role)
    return [r.action for r in TRANSITIONS if r.source is status and role in r.roles]


def transition(
    order: OrderState,
    action: Action | str,
    actor_role: Role | str,
    now: datetime,
    context: Context | None = None,
) -> TransitionResult:
    """Apply `action` by `actor_role` to `order` at `now`, or raise the typed refusal."""
    ctx = context or Context()
    action, role, status = as_action(action), as_role(actor_role), as_status(order.status)
    if role not in ROLES_BY_ACTION[action]:
        raise WrongRole(f"a {role.value} cannot {action.value} an order")
    if ctx.expected_status is not None and as_status(ctx.expected_status) is not status:
        return TransitionResult(status, status, None, None, Outcome.MOVED_ON)
    rule = _INDEX.get((status, action))
    if rule is None:
        if status in REPEATS.get(action, ()):
            return TransitionResult(status, status, None, None, Outcome.REPEAT)
        raise WrongState(f"cannot {action.value} an order that is {status.value}")
    if role not in rule.roles:
        raise WrongRole(f"a {role.value} cannot {action.value} an order that is {status.value}")
    if rule.guard is not None:
        rule.guard(order, ctx, now, role)
    reason = (
        ctx.reason or DEFAULT_REASONS.get((action, role)) or DEFAULT_REASONS.get((action, None))
    )
    entry = HistoryEntry(now, role, status, rule.target, reason, action, ctx.actor_id)
    return TransitionResult(status, rule.target, rule.event, entry)


# Amount changes -------------------------------------------------------------------------------
class AmountRequestStatus(StrEnum):
    """A seller's amount change waiting for the admin (seed 001): decided once."""

    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


class AmountChangeKind(StrEnum):
    APPLY = "apply"  # change it now (transition CHANGE_AMOUNT), 200
    REQUEST_ADMIN = "request_admin"  # record a request for the admin, 202


@dataclass(frozen=True, slots=True)
class AmountChangeDecision:
    kind: AmountChangeKind
    status: Status

    @property
    def apply(self) -> bool:
        return self.kind is AmountChangeKind.APPLY


def decide_amount_change(status: Status | str, actor_role: Role | str) -> AmountChangeDecision:
    """Whether an amount change applies now or goes to the admin as a request (seed 001).

    Applies when the table lets this role change the amount in this status; a seller outside
    placed/confirmed gets a request to the admin (not an error); in a status where nobody may
    change it (completed, cancelled, expired) it is `wrong_state`; a buyer is `wrong_role`.
    """
    status, role = as_status(status), as_role(actor_role)
    if role not in ROLES_BY_ACTION[A.CHANGE_AMOUNT]:
        raise WrongRole(f"a {role.value} cannot change an order's amount")
    rule = _INDEX.get((status, A.CHANGE_AMOUNT))
    if rule is None:
        raise WrongState(f"the amount of a {status.value} order cannot change")
    if role in rule.roles:
        return AmountChangeDecision(AmountChangeKind.APPLY, status)
    return AmountChangeDecision(AmountChangeKind.REQUEST_ADMIN, status)
