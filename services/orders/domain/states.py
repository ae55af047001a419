"""The order's statuses, the roles that act on it, and the actions they can take.

Kept apart from `lifecycle` so that `deadlines` can name statuses without importing the machine.
"""

from __future__ import annotations

from enum import StrEnum

from .errors import OrderInvalid


class Status(StrEnum):
    """One order = one shop. The whole lifecycle, in order:

    placed          made by checkout; waits for the seller (tab "open"); expires after 72 h
    confirmed       the seller accepted it; waits for payment ("Pending payment")
    partially_paid  advance paid (made-to-order with a prepayment percent); production not started
    in_production   the seller is making it; the balance is due
    paid            paid in full (online, or marked paid by the seller when agreed outside)
    shipped         a shipment with carrier and tracking exists
    received        the buyer accepted it ("Accepted by the buyer": no claims after)
    completed       closed by the seller or by the auto-close (terminal)
    cancelled       by the buyer before confirmation, by seller or admin before shipping (terminal)
    expired         the seller did not confirm in time (terminal)
    """

    PLACED = "placed"
    CONFIRMED = "confirmed"
    PARTIALLY_PAID = "partially_paid"
    IN_PRODUCTION = "in_production"
    PAID = "paid"
    SHIPPED = "shipped"
    RECEIVED = "received"
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    EXPIRED = "expired"


TERMINAL = frozenset({Status.COMPLETED, Status.CANCELLED, Status.EXPIRED})
# Earlier than shipped: the auto-close flags these to the admin instead of completing them.
BEFORE_SHIPPED = frozenset(
    {Status.PLACED, Status.CONFIRMED, Status.PARTIALLY_PAID, Status.IN_PRODUCTION, Status.PAID}
)


class Role(StrEnum):
    BUYER = "buyer"
    SELLER = "seller"
    ADMIN = "admin"
    SYSTEM = "system"  # timers and payment notifications


class Action(StrEnum):
    CONFIRM = "confirm"  # seller accepts a placed order
    CANCEL = "cancel"  # buyer before confirmation; seller or admin before shipping, with a reason
    EXPIRE = "expire"  # timer: the seller did not confirm within confirm_hours
    MARK_PAID = "mark_paid"  # seller: payment agreed outside the platform, whatever the prepayment
    PAY_FULL = "pay_full"  # payment.succeeded for part "full"
    PAY_ADVANCE = "pay_advance"  # payment.succeeded for part "advance"
    START_PRODUCTION = "start_production"  # seller, made-to-order after the advance
    REQUEST_BALANCE = "request_balance"  # seller asks for the balance (status unchanged)
    PAY_BALANCE = "pay_balance"  # payment.succeeded for part "balance"
    SHIP = "ship"  # seller adds a shipment
    ADD_SHIPMENT = "add_shipment"  # seller adds a further shipment (its track) once shipped
    RECEIVE = "receive"  # buyer accepts the goods
    COMPLETE = "complete"  # seller closes a received order
    AUTO_COMPLETE = "auto_complete"  # timer: the auto-close date of a shipped or received order
    CHANGE_AMOUNT = "change_amount"  # new items total (status unchanged)
    SET_DELIVERY_COST = "set_delivery_cost"  # seller quotes delivery (status unchanged)


def _coerce(kind, value, field):
    if isinstance(value, kind):
        return value
    try:
        return kind(value)
    except ValueError:
        choices = ", ".join(member.value for member in kind)
        raise OrderInvalid(
            f"unknown {field} {value!r}", errors={field: f"one of {choices}"}
        ) from None


def as_status(value: Status | str) -> Status:
    """A `Status` from its value; an unknown value is `OrderInvalid` (422)."""
    return _coerce(Status, value, "status")


def as_role(value: Role | str) -> Role:
    return _coerce(Role, value, "role")


def as_action(value: Action | str) -> Action:
    return _coerce(Action, value, "action")
