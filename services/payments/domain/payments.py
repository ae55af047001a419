"""When a buyer may pay which part of an order, and how much (API.md, seeds 000 and 003).

Parts: `full` (the grand total), `advance` (the shop's prepayment percent of the grand total,
rounded half up to minor units) and `balance` (the grand total less what was paid).

    part      order status that allows it                            refused while
    full      confirmed; placed too when the timing is at_checkout    any payment of the order is
                                                                      pending or succeeded
    advance   as full, when the shop takes a prepayment (> 0 %)       a full or advance payment is
                                                                      pending or succeeded
    balance   partially_paid, in_production                          a full or balance payment is
                                                                      pending or succeeded
Anything else is 409 (`not_payable`) saying why. A failed payment frees its part: the buyer tries
again. A self-employed shop's receipt has at most six positions (seed 003: YooKassa's limit for the
self-employed); each order line is one, the delivery one more: more is 409 saying so.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from .errors import NotPayable, TooManyReceiptPositions

SELF_EMPLOYED_MAX_POSITIONS = 6


class Part(StrEnum):
    FULL = "full"
    ADVANCE = "advance"
    BALANCE = "balance"


class PaymentStatus(StrEnum):
    PENDING = "pending"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


ACTIVE = frozenset({PaymentStatus.PENDING, PaymentStatus.SUCCEEDED})
# The parts an active payment of each part excludes.
EXCLUDES = {
    Part.FULL: frozenset(Part),
    Part.ADVANCE: frozenset({Part.FULL, Part.ADVANCE}),
    Part.BALANCE: frozenset({Part.FULL, Part.BALANCE}),
}


@dataclass(frozen=True, slots=True)
class OrderFacts:
    status: str
    grand_total: int
    paid: int                     # minor units paid so far (succeeded payments)
    prepayment_percent: int
    timing: str                   # the shop's payment timing


@dataclass(frozen=True, slots=True)
class ExistingPayment:
    part: Part
    status: PaymentStatus


def allowed_statuses(part: Part, timing: str) -> frozenset[str]:
    if part is Part.BALANCE:
        return frozenset({"partially_paid", "in_production"})
    if timing == "at_checkout":
        return frozenset({"placed", "confirmed"})
    return frozenset({"confirmed"})


def amount_due(part: Part, order: OrderFacts, existing: Iterable[ExistingPayment]) -> int:
    """The amount of `part` the buyer may pay now, or NotPayable saying why not."""
    existing = list(existing)
    if order.status not in allowed_statuses(part, order.timing):
        raise NotPayable(_status_reason(part, order), errors={"status": [order.status]})
    for payment in existing:
        if payment.status in ACTIVE and payment.part in EXCLUDES[part]:
            state = "paid" if payment.status is PaymentStatus.SUCCEEDED else "pending"
            raise NotPayable(f"A {payment.part.value} payment of this order is already {state}.",
                             errors={"part": [part.value]})
    if part is Part.FULL:
        return order.grand_total
    if part is Part.ADVANCE:
        if order.prepayment_percent <= 0:
            raise NotPayable("This shop takes no advance; pay the order in full.")
        return advance_of(order.grand_total, order.prepayment_percent)
    balance = order.grand_total - order.paid
    if balance <= 0:
        raise NotPayable("Nothing is left to pay on this order.")
    return balance


def advance_of(grand_total: int, percent: int) -> int:
    """`percent` of `grand_total`, rounded half up to minor units."""
    return (grand_total * percent + 50) // 100


def _status_reason(part: Part, order: OrderFacts) -> str:
    if part is Part.BALANCE:
        return (f"The balance is paid once the advance is in (partially paid or in production); "
                f"this order is {order.status}.")
    when = ("once it is placed" if order.timing == "at_checkout"
            else "once the seller has confirmed it")
    return f"This order can be paid {when}; it is {order.status}."


def check_receipt_positions(legal_form: str | None, lines: int, has_delivery: bool) -> None:
    """A self-employed shop's receipt takes at most six positions (delivery counts as one)."""
    if legal_form != "self_employed":
        return
    positions = lines + (1 if has_delivery else 0)
    if positions > SELF_EMPLOYED_MAX_POSITIONS:
        raise TooManyReceiptPositions(
            f"A self-employed seller's receipt holds at most {SELF_EMPLOYED_MAX_POSITIONS} "
            f"positions (delivery counts as one); this order has {positions}. "
            "Ask the seller to split it or to take the payment another way.",
            errors={"positions": [str(positions)]})
