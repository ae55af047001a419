"""Stock: what can still be had, and reserving it for an order all at once or not at all.

Seed 003, "В наличии или на заказ?": tracked stock has a quantity on hand that every order takes
from; made-to-order products are made after the order; untracked ones sell as ready goods without
a count. Only tracked stock can run out.

A tracked product keeps `quantity` (units on hand) and `reserved` (units held by live orders);
`available = quantity − reserved`, never shown below 0. Checkout reserves; a cancelled or expired
order releases; a shipped order fulfils (the units leave: both figures go down). The service
applies a reservation with a guarded update (`... WHERE quantity - reserved >= :n`) in one
transaction, so two checkouts never oversell; these functions decide and describe.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from services.catalog.domain.errors import OutOfStock, ReservationInvalid
from services.catalog.domain.model import StockMode


@dataclass(frozen=True, slots=True)
class StockLevel:
    product_id: str
    mode: StockMode
    quantity: int = 0
    reserved: int = 0

    @property
    def available(self) -> int | None:
        """Units that can still be had; None when the product never runs out."""
        return available_quantity(self.mode, self.quantity, self.reserved)

    def can_supply(self, requested: int) -> bool:
        available = self.available
        return available is None or requested <= available


@dataclass(frozen=True, slots=True)
class ReservationLine:
    product_id: str
    quantity: int


@dataclass(frozen=True, slots=True)
class Shortage:
    product_id: str
    requested: int
    available: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "product_id": str(self.product_id),
            "requested": self.requested,
            "available": self.available,
        }


@dataclass(frozen=True, slots=True)
class Reservation:
    """What an order holds: one line per product (lines of one product with different options
    are summed), in the order the products first appear."""

    order_id: str
    lines: tuple[ReservationLine, ...]

    def quantity_of(self, product_id: str) -> int:
        return sum(line.quantity for line in self.lines if line.product_id == product_id)


def available_quantity(mode: StockMode, quantity: int | None, reserved: int = 0) -> int | None:
    """quantity − reserved for tracked stock (never below 0); None (unlimited) otherwise."""
    if StockMode(mode) is not StockMode.TRACKED:
        return None
    return max((quantity or 0) - reserved, 0)


def on_hand_for_available(available: int, reserved: int) -> int:
    """The quantity on hand to store when the seller says `available` units can still be had.

    The API shows `stock.quantity` as units still available, so a seller who types 5 while 2 are
    held by live orders has 7 on hand, and reads 5 back.
    """
    return available + reserved


def reserve(
    order_id: str, lines: Sequence[ReservationLine], levels: Mapping[str, StockLevel]
) -> Reservation:
    """Reserve every line for the order, or raise OutOfStock naming each product that falls
    short (product id, units requested in total, units available). A product missing from
    `levels` (deleted, disabled) counts as having none."""
    requested = _requested_by_product(lines)
    shortages = []
    for product_id, quantity in requested.items():
        level = levels.get(product_id)
        if level is None:
            shortages.append(Shortage(product_id, quantity, 0))
        elif not level.can_supply(quantity):
            shortages.append(Shortage(product_id, quantity, level.available or 0))
    if shortages:
        raise OutOfStock.for_shortages(shortages)
    return Reservation(order_id, tuple(ReservationLine(p, q) for p, q in requested.items()))


def apply_reservation(
    levels: Mapping[str, StockLevel], reservation: Reservation
) -> dict[str, StockLevel]:
    """The levels after the reservation: tracked products hold more; the others do not change."""
    updated = dict(levels)
    for line in reservation.lines:
        level = levels[line.product_id]
        if level.mode is StockMode.TRACKED:
            updated[line.product_id] = replace(level, reserved=level.reserved + line.quantity)
    return updated


def release(level: StockLevel, quantity: int) -> StockLevel:
    """An order cancelled or expired gives its units back (never below 0 held)."""
    if level.mode is not StockMode.TRACKED:
        return level
    return replace(level, reserved=max(level.reserved - quantity, 0))


def fulfil(level: StockLevel, quantity: int) -> StockLevel:
    """An order shipped: its units leave the shop, off the quantity on hand and off the held."""
    if level.mode is not StockMode.TRACKED:
        return level
    return replace(
        level,
        quantity=max(level.quantity - quantity, 0),
        reserved=max(level.reserved - quantity, 0),
    )


def _requested_by_product(lines: Sequence[ReservationLine]) -> dict[str, int]:
    if not lines:
        raise ReservationInvalid("Nothing to reserve.", errors={"lines": "Give at least one line."})
    errors = {}
    requested: dict[str, int] = {}
    for index, line in enumerate(lines):
        quantity = line.quantity
        if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 1:
            errors[f"lines.{index}.quantity"] = "Give a whole number of at least 1."
            continue
        requested[line.product_id] = requested.get(line.product_id, 0) + quantity
    if errors:
        raise ReservationInvalid("The lines cannot be reserved.", errors=errors)
    return requested
