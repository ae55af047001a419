"""Rate tables: what a delivery method costs for an order.

A rate has a basis and a table of tiers `{from, cost}`; each tier applies from its `from` upward
until the next tier, so the cost is that of the tier with the greatest `from` not above the
order's measure:
- `fixed`: one tier from 0, whatever the order;
- `price`: the measure is the order's item total in minor units;
- `weight`: the measure is the chargeable weight in grams;
- `quantity`: the measure is the sum of line quantities; or, instead of tiers,
  `{base, percent_per_extra_item}`: base for one unit, plus `percent` % of base for every further
  unit (100 ₽ and 10 %: 1 → 100 ₽, 2 → 110 ₽, 3 → 120 ₽), rounded half-up once to a minor unit.

Rules for a table (decided here, the API left them open):
- it is not empty and its first tier starts at 0, so every order has a price. (The alternative,
  "the first `from` is the least order that fits", would make a method silently vanish for small
  orders; a seller who wants that sets a weight limit instead.) A `quantity` table may start at 1
  as well as 0: an order that is charged always has at least one unit, so both read the same.
- `from` values strictly increase (unordered or repeated tiers are refused, never sorted for the
  seller: a typo in a table should be seen, not guessed at);
- `from` and `cost` are non-negative JSON integers (minor units, grams or units);
- `fixed` has exactly one tier, from 0; `percent_per_extra_item` is an integer 0..1000.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from services.common.money import Money

from .errors import ErrorCollector

MAX_TIERS = 100
MAX_PERCENT_PER_EXTRA_ITEM = 1000


class Basis(StrEnum):
    FIXED = "fixed"
    PRICE = "price"
    WEIGHT = "weight"
    QUANTITY = "quantity"


def is_int(value: Any) -> bool:
    """A real integer: not a bool, not a float that happens to be whole."""
    return isinstance(value, int) and not isinstance(value, bool)


@dataclass(frozen=True, slots=True)
class Tier:
    """`{from, cost}`; `start` is the API's `from` (a Python keyword)."""

    start: int
    cost: int

    def to_dict(self) -> dict[str, int]:
        return {"from": self.start, "cost": self.cost}


@dataclass(frozen=True, slots=True)
class Measures:
    """What an order amounts to for one method: item total, chargeable weight, units."""

    items_total: int
    weight_grams: int
    quantity: int


def tier_cost(tiers: Sequence[Tier], measure: int) -> int:
    """The cost of the tier with the greatest `from` ≤ `measure` (the first tier below it)."""
    starts = [tier.start for tier in tiers]
    index = bisect_right(starts, measure) - 1
    return tiers[max(index, 0)].cost


@dataclass(frozen=True, slots=True)
class Rate:
    basis: Basis
    tiers: tuple[Tier, ...] = ()
    base: int | None = None
    percent_per_extra_item: int | None = None

    @property
    def uses_weight(self) -> bool:
        return self.basis is Basis.WEIGHT

    def measure(self, measures: Measures) -> int:
        if self.basis is Basis.PRICE:
            return measures.items_total
        if self.basis is Basis.WEIGHT:
            return measures.weight_grams
        if self.basis is Basis.QUANTITY:
            return measures.quantity
        return 0

    def cost(self, measures: Measures, currency: str) -> Money:
        if self.base is not None:
            base = Money(self.base, currency)
            extra_units = max(measures.quantity - 1, 0)
            return base + base.percent((self.percent_per_extra_item or 0) * extra_units)
        return Money(tier_cost(self.tiers, self.measure(measures)), currency)

    def to_dict(self) -> dict[str, Any]:
        if self.base is not None:
            return {
                "basis": self.basis.value,
                "base": self.base,
                "percent_per_extra_item": self.percent_per_extra_item,
            }
        return {"basis": self.basis.value, "tiers": [tier.to_dict() for tier in self.tiers]}


def _non_negative_int(value: Any, path: str, errors: ErrorCollector, what: str) -> int | None:
    if not is_int(value):
        errors.add(path, f"Must be a whole number of {what}, e.g. 0 or 30000.")
        return None
    if value < 0:
        errors.add(path, "Must not be negative.")
        return None
    return value


_UNITS = {
    Basis.FIXED: "minor units",
    Basis.PRICE: "minor units of the item total",
    Basis.WEIGHT: "grams",
    Basis.QUANTITY: "units",
}


def _parse_tiers(value: Any, basis: Basis, errors: ErrorCollector, path: str) -> tuple[Tier, ...]:
    if not isinstance(value, list | tuple) or not value:
        errors.add(path, "Give at least one tier {from, cost}; the first starts at 0.")
        return ()
    if len(value) > MAX_TIERS:
        errors.add(path, f"At most {MAX_TIERS} tiers.")
        return ()
    if basis is Basis.FIXED and len(value) != 1:
        errors.add(path, "A fixed rate has exactly one tier, from 0.")
        return ()
    tiers: list[Tier] = []
    previous: int | None = None
    for index, entry in enumerate(value):
        here = f"{path}.{index}"
        if isinstance(entry, Tier):
            entry = entry.to_dict()
        if not isinstance(entry, Mapping):
            errors.add(here, "Must be an object {from, cost}.")
            previous = None
            continue
        start = _non_negative_int(entry.get("from"), f"{here}.from", errors, _UNITS[basis])
        cost = _non_negative_int(entry.get("cost"), f"{here}.cost", errors, "minor units")
        if start is not None:
            if index == 0 and not (start == 0 or (basis is Basis.QUANTITY and start == 1)):
                first = "0 (or 1 for a quantity rate)" if basis is Basis.QUANTITY else "0"
                errors.add(f"{here}.from", f"The first tier must start at {first}.")
            elif previous is not None and start <= previous:
                errors.add(
                    f"{here}.from",
                    f"Must be greater than the previous tier's from ({previous}): "
                    "list tiers in increasing order, each once.",
                )
        if start is not None and cost is not None:
            tiers.append(Tier(start, cost))
        previous = start if start is not None else previous
    return tuple(tiers)


def parse_rate(value: Any, errors: ErrorCollector, path: str = "rate") -> Rate | None:
    """Reads `{basis, tiers}` or `{basis: "quantity", base, percent_per_extra_item}`."""
    if isinstance(value, Rate):
        value = value.to_dict()
    if not isinstance(value, Mapping):
        errors.add(path, "Must be an object {basis, tiers}.")
        return None
    try:
        basis = Basis(value.get("basis"))
    except ValueError:
        errors.add(f"{path}.basis", "Must be one of fixed, price, weight, quantity.")
        return None
    has_percent_form = "base" in value or "percent_per_extra_item" in value
    if has_percent_form:
        if basis is not Basis.QUANTITY:
            errors.add(f"{path}.base", "Only a quantity rate may give base and a percent.")
            return None
        if value.get("tiers") is not None:
            errors.add(
                f"{path}.tiers", "Give either tiers or base with percent_per_extra_item, not both."
            )
            return None
        base = _non_negative_int(value.get("base"), f"{path}.base", errors, "minor units")
        percent = value.get("percent_per_extra_item")
        if not is_int(percent) or not 0 <= percent <= MAX_PERCENT_PER_EXTRA_ITEM:
            errors.add(
                f"{path}.percent_per_extra_item",
                f"Must be a whole percent from 0 to {MAX_PERCENT_PER_EXTRA_ITEM}, e.g. 10.",
            )
            return None
        if base is None:
            return None
        return Rate(basis, base=base, percent_per_extra_item=percent)
    before = len(errors.errors)
    tiers = _parse_tiers(value.get("tiers"), basis, errors, f"{path}.tiers")
    if len(errors.errors) > before:
        return None
    return Rate(basis, tiers=tiers)
