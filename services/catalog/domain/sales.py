"""When an order's products count as bought: the `hit` label ("bought 10 or more times", seed 003)
and the sales in the popularity score.

A product is bought once per order that pays for it, whatever the quantity or the number of lines
naming it (ten buyers make a hit, one buyer of ten mugs does not). An order counts from the moment
it is paid (`order.paid`): online, or marked paid by the seller when payment was agreed outside the
platform (seed 003's "agree with the seller"): both are bought goods. An advance alone
(`order.partially_paid`) does not count yet; the balance paid makes the order `paid`. A placed
order that is cancelled or expires before it is paid never counted; a paid order that is cancelled
(with a refund) is taken back off its products.

The catalog learns of an order by three events that may arrive in any order, and keeps one state
per order:

    state \\ event   order.placed         order.paid            order.cancelled / order.expired
    (none)          placed (lines kept)  too early (wait)      ended (nothing counted)
    placed          repeat               paid: +1 per product  ended
    paid            repeat               repeat                ended: −1 per product
    ended           ended (lines kept)   ended: never counts   repeat

A cancellation that overtakes the order's `order.placed` leaves `ended` behind, so a payment
arriving after it never counts. Every event is handled once (the inbox), so a "repeat" is an order
announced twice and changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class SaleState(StrEnum):
    PLACED = "placed"  # the order's lines are known; not paid, counts nothing
    PAID = "paid"  # its products count as bought
    ENDED = "ended"  # cancelled or expired: counts nothing (any more)


class OrderFact(StrEnum):
    PLACED = "placed"
    PAID = "paid"
    ENDED = "ended"


class PaidBeforePlaced(Exception):
    """`order.paid` for an order whose `order.placed` has not arrived: its lines are unknown."""


@dataclass(frozen=True, slots=True)
class SaleChange:
    state: SaleState
    delta: int  # +1: each product of the order bought once more; −1: once less; 0: nothing


_S, _F = SaleState, OrderFact
_TABLE: dict[tuple[SaleState | None, OrderFact], SaleChange] = {
    (None, _F.PLACED): SaleChange(_S.PLACED, 0),
    (None, _F.ENDED): SaleChange(_S.ENDED, 0),
    (_S.PLACED, _F.PLACED): SaleChange(_S.PLACED, 0),
    (_S.PLACED, _F.PAID): SaleChange(_S.PAID, +1),
    (_S.PLACED, _F.ENDED): SaleChange(_S.ENDED, 0),
    (_S.PAID, _F.PLACED): SaleChange(_S.PAID, 0),
    (_S.PAID, _F.PAID): SaleChange(_S.PAID, 0),
    (_S.PAID, _F.ENDED): SaleChange(_S.ENDED, -1),
    (_S.ENDED, _F.PLACED): SaleChange(_S.ENDED, 0),
    (_S.ENDED, _F.PAID): SaleChange(_S.ENDED, 0),
    (_S.ENDED, _F.ENDED): SaleChange(_S.ENDED, 0),
}


def sale_change(state: SaleState | None, fact: OrderFact) -> SaleChange:
    """What an order's event does to it (the table above); `state` None: the order is new here.
    Raises PaidBeforePlaced for a payment of an order not placed here yet."""
    if state is None and fact is OrderFact.PAID:
        raise PaidBeforePlaced()
    return _TABLE[(state, fact)]


def bought_products(lines: Iterable[Mapping[str, Any]]) -> list[str]:
    """The products an order buys, each once, in id order (the order counters are locked in)."""
    return sorted({str(line["product_id"]) for line in lines})


def kept_lines(lines: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """What the catalog keeps of `order.placed`'s lines: product and quantity."""
    return [{"product_id": str(line["product_id"]), "quantity": int(line["quantity"])}
            for line in lines]
