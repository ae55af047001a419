"""Which delivery methods fit an order, and what each costs.

Rules (seed 003, "Доставка"; the decisions the API left open are marked *):
- Only enabled methods are offered, in the order given (the caller lists the shop's own methods,
  then the universal ones).
- A method fits a destination when any of its destination rules matches (none = everywhere).
- Weight limits are checked on the parcel's *real* weight: every line, free-delivery ones included,
  because the limit is about what the carrier can physically take (a 45 kg kitchen with a
  "free delivery" label still cannot go by post).*
- The *chargeable* weight (for `weight` rates) is the sum of quantity × unit weight of the lines
  that are charged: where the method's `free_delivery_applies` is true, free-delivery lines add
  neither weight nor units (for `quantity` rates); adding a free-delivery product never makes a
  weight or quantity rate dearer.*
- A `price` rate is measured on the order's *whole* item total, free-delivery lines included
  (API.md: "`from` is minor units of the order's item total"): a free-delivery item adds no cost
  of its own, but it counts toward a "free from 3000 ₽" tier like any other item.
- When every line has free delivery, methods where `free_delivery_applies` is true cost 0 —
  universal ones included, since the product's "Free delivery" label is a promise to the buyer.*
  Methods where it is false are priced on the whole order as usual.
- A product without a weight*: a free-delivery line counts as 0 g (the seed suggests the flag for
  items too small to matter); any other line makes the parcel's weight unknown, and then methods
  whose fit or cost depends on weight (a weight limit or a `weight` rate) are not offered, rather
  than priced as if the product weighed nothing. Methods that ignore weight are still offered.
- Universal methods ignore destination and parcel; their cost is None: the seller quotes it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from services.common.money import Money

from .destinations import Destination, applies_to, parse_destination
from .errors import ErrorCollector, InvalidParcel, MethodNotAvailable
from .methods import Carrier, DeliveryMethod, PickupPoint
from .rates import Measures, is_int

_CURRENCY = re.compile(r"^[A-Z]{3}$")


@dataclass(frozen=True, slots=True)
class Line:
    """One order line as shipping sees it.

    `weight_grams` is the unit weight (None when the product has none); `total` is the line's
    total in minor units (the order's `items_total` is what a `price` rate measures).
    """

    quantity: int
    weight_grams: int | None = None
    free_delivery: bool = False
    total: int = 0


@dataclass(frozen=True, slots=True)
class Parcel:
    lines: tuple[Line, ...]
    items_total: int

    @property
    def weight_known(self) -> bool:
        return all(line.weight_grams is not None for line in self.lines if not line.free_delivery)

    @property
    def real_weight(self) -> int | None:
        """Grams of everything in the parcel; None when a charged line has no weight."""
        if not self.weight_known:
            return None
        return sum(line.quantity * (line.weight_grams or 0) for line in self.lines)

    def all_free(self) -> bool:
        return all(line.free_delivery for line in self.lines)

    def measures(self, free_delivery_applies: bool) -> Measures:
        charged = [
            line for line in self.lines if not (free_delivery_applies and line.free_delivery)
        ]
        return Measures(
            items_total=self.items_total,
            weight_grams=sum(line.quantity * (line.weight_grams or 0) for line in charged),
            quantity=sum(line.quantity for line in charged),
        )


class Unfit(StrEnum):
    """Why a method is not offered."""

    DISABLED = "disabled"
    DESTINATION = "destination"
    WEIGHT_LIMIT = "weight_limit"
    WEIGHT_UNKNOWN = "weight_unknown"


_UNFIT_MESSAGES = {
    Unfit.DISABLED: "The shop has switched this delivery method off.",
    Unfit.DESTINATION: "This delivery method does not deliver to that address.",
    Unfit.WEIGHT_LIMIT: "The parcel's weight is outside this delivery method's limits.",
    Unfit.WEIGHT_UNKNOWN: "A product in the order has no weight, which this method needs.",
}


@dataclass(frozen=True, slots=True)
class QuotedMethod:
    method_id: str
    name: str
    carrier: Carrier
    cost: Money | None
    delivery_days: int | None
    universal: bool = False
    pickup: PickupPoint | None = None  # where and when the buyer collects it

    def to_dict(self) -> dict[str, Any]:
        out = {
            "id": self.method_id,
            "name": self.name,
            "carrier": self.carrier.value,
            "cost": self.cost.to_dict() if self.cost is not None else None,
            "delivery_days": self.delivery_days,
        }
        if self.pickup is not None:
            out["pickup"] = self.pickup.to_dict()
        return out


def _parse_line(entry: Any, index: int, errors: ErrorCollector) -> Line | None:
    here = f"lines.{index}"
    if isinstance(entry, Line):
        entry = {
            "quantity": entry.quantity,
            "weight_grams": entry.weight_grams,
            "free_delivery": entry.free_delivery,
            "total": entry.total,
        }
    if not isinstance(entry, Mapping):
        errors.add(here, "Must be an object {quantity, weight_grams, free_delivery, total}.")
        return None
    quantity, weight = entry.get("quantity"), entry.get("weight_grams")
    free, total = entry.get("free_delivery", False), entry.get("total", 0)
    ok = True
    if not is_int(quantity) or quantity < 1:
        errors.add(f"{here}.quantity", "Must be a whole number of at least 1.")
        ok = False
    if weight is not None and (not is_int(weight) or weight < 0):
        errors.add(f"{here}.weight_grams", "Must be a whole, non-negative number of grams.")
        ok = False
    if not isinstance(free, bool):
        errors.add(f"{here}.free_delivery", "Must be true or false.")
        ok = False
    if not is_int(total) or total < 0:
        errors.add(f"{here}.total", "Must be a whole, non-negative number of minor units.")
        ok = False
    return Line(quantity, weight, free, total) if ok else None


def make_parcel(
    lines: Iterable[Line | Mapping[str, Any]], items_total: int | Money, currency: str
) -> Parcel:
    """Checks the order's lines and item total; raises InvalidParcel naming each bad field."""
    errors = ErrorCollector()
    if not isinstance(currency, str) or not _CURRENCY.match(currency):
        errors.add("currency", "Must be an ISO 4217 code, e.g. RUB.")
    if isinstance(items_total, Money):
        if items_total.currency != currency:
            errors.add("items_total", f"Must be in {currency}.")
        items_total = items_total.amount
    if not is_int(items_total) or items_total < 0:
        errors.add("items_total", "Must be a whole, non-negative number of minor units.")
    entries = list(lines)
    if not entries:
        errors.add("lines", "There is nothing to deliver.")
    parsed = [_parse_line(entry, index, errors) for index, entry in enumerate(entries)]
    errors.raise_if_any(InvalidParcel, "The order cannot be quoted for delivery.")
    return Parcel(tuple(line for line in parsed if line is not None), int(items_total))


def unfit_reason(method: DeliveryMethod, destination: Destination, parcel: Parcel) -> Unfit | None:
    """Why `method` cannot take this parcel to `destination`, or None when it can."""
    if not method.enabled:
        return Unfit.DISABLED
    if method.universal:
        return None
    if not applies_to(method.destinations, destination):
        return Unfit.DESTINATION
    if method.depends_on_weight and not parcel.weight_known:
        return Unfit.WEIGHT_UNKNOWN
    real_weight = parcel.real_weight
    limit = method.weight_limit
    if limit is not None and real_weight is not None and not limit.allows(real_weight):
        return Unfit.WEIGHT_LIMIT
    return None


def delivery_cost(method: DeliveryMethod, parcel: Parcel, currency: str) -> Money | None:
    """What `method` charges for the parcel (fit not checked); None = the seller will quote."""
    if method.free_delivery_applies and parcel.all_free():
        return Money(0, currency)
    if method.rate is None:
        return None
    return method.rate.cost(parcel.measures(method.free_delivery_applies), currency)


def _quoted(method: DeliveryMethod, parcel: Parcel, currency: str) -> QuotedMethod:
    return QuotedMethod(
        method_id=method.id,
        name=method.name,
        carrier=method.carrier,
        cost=delivery_cost(method, parcel, currency),
        delivery_days=method.delivery_days,
        universal=method.universal,
        pickup=method.pickup,
    )


def quote(
    methods: Sequence[DeliveryMethod],
    destination: Destination | Mapping[str, Any],
    lines: Iterable[Line | Mapping[str, Any]],
    items_total: int | Money,
    currency: str,
) -> list[QuotedMethod]:
    """The enabled methods that fit, in the given order, each with its cost and delivery days."""
    where = parse_destination(destination)
    parcel = make_parcel(lines, items_total, currency)
    return [
        _quoted(method, parcel, currency)
        for method in methods
        if unfit_reason(method, where, parcel) is None
    ]


def price_method(
    method: DeliveryMethod,
    destination: Destination | Mapping[str, Any],
    lines: Iterable[Line | Mapping[str, Any]],
    items_total: int | Money,
    currency: str,
) -> QuotedMethod:
    """The chosen method's quote at checkout; raises MethodNotAvailable when it does not fit."""
    where = parse_destination(destination)
    parcel = make_parcel(lines, items_total, currency)
    reason = unfit_reason(method, where, parcel)
    if reason is not None:
        error = MethodNotAvailable(
            _UNFIT_MESSAGES[reason], errors={"delivery_method_id": _UNFIT_MESSAGES[reason]}
        )
        error.reason = reason
        raise error
    return _quoted(method, parcel, currency)
