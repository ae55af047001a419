"""The orders domain's typed errors and their stable codes.

Every refusal of the order rules is one of these. The gateway maps them by kind:
`Conflict` → 409, `Forbidden` → 403, `Invalid` → 422. Codes are part of the API; do not rename them.
"""

from __future__ import annotations

from services.common.errors import Conflict, Forbidden, Invalid

# Codes ------------------------------------------------------------------------------------------
WRONG_STATE = "wrong_state"  # the action is not possible in the order's current status
WRONG_ROLE = "wrong_role"  # the action exists in this status, but not for this role
DEADLINE_NOT_REACHED = "deadline_not_reached"  # a timed move (expire, buyer_lapse, auto-close)
DEADLINE_PASSED = "deadline_passed"  # too late (the seller confirms after the confirm deadline)
REASON_REQUIRED = "reason_required"  # a cancel or amount change without a reason
NOT_YOUR_ORDER = "not_your_order"  # a party who may not see or touch this order
GUEST_ORDER = "guest_order"  # guest orders have no site chat and no reviews
ALREADY_REVIEWED = "already_reviewed"
UNKNOWN_TAB = "unknown_tab"
INVALID_AMOUNT = "invalid_amount"
INVALID_PERCENT = "invalid_percent"
CURRENCY_MISMATCH = "currency_mismatch"
NO_LINES = "no_lines"
NO_SUCH_PART = "no_such_part"


class OrderConflict(Conflict, code=WRONG_STATE):
    """A move refused because of the order's state or time (409)."""


class WrongState(OrderConflict, code=WRONG_STATE):
    """The action is not possible in the order's current status."""


class DeadlineNotReached(OrderConflict, code=DEADLINE_NOT_REACHED):
    """A timed move (expire, buyer_lapse, auto-close) before its deadline."""


class DeadlinePassed(OrderConflict, code=DEADLINE_PASSED):
    """Too late: the seller confirms after the confirm deadline."""


class WrongRole(Forbidden, code=WRONG_ROLE):
    """The caller's role may not make this move (403)."""


class NotYourOrder(Forbidden, code=NOT_YOUR_ORDER):
    """A party who may not see or touch this order."""


class GuestOrderRefused(OrderConflict, code=GUEST_ORDER):
    """Guest orders have no site chat and no reviews."""


class AlreadyReviewed(OrderConflict, code=ALREADY_REVIEWED):
    """The order has its review already."""


class OrderInvalid(Invalid, code="invalid"):
    """Input that breaks an order rule (422); `errors` maps fields to messages."""


class ReasonRequired(OrderInvalid, code=REASON_REQUIRED):
    """A cancel or an amount change without a reason."""
