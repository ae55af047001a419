"""The price of one line: a product, the buyer's option choices and a quantity.

The order (API.md, "Pricing order"):
1. unit = the product's price + the chosen variants' `price_delta`s (seed 003: an item at 100 ₽
   in red +20, white +30, blue +0 costs 120, 130 or 100);
2. then `discount_percent` off that unit;
3. then the highest wholesale tier whose `min_quantity` ≤ quantity;
4. total = unit × quantity, rounded half-up to a minor unit once, on the line total.
Every step before 4 is exact (fractions); nothing is rounded on the way.

Wholesale tiers (seed 003, "1 for 1000, 2 for 1800, 3 for 2600", or "10 % for 2, 20 % for 3"):
- `percent_off` p takes p % off the unit as step 2 left it: the product's discount and the tier
  both apply (1000 ₽ at 10 % off, 20 % for 3: 720 ₽ each);
- `unit_price` u is the price of each unit from `min_quantity` on, and `set_price` s the price of
  `min_quantity` units together (each s / m); the tier comes after the discount and replaces it:
  the discount does not apply on top of a price the seller wrote for that quantity (1000 ₽ at
  10 % off with "2 for 1800": 2 cost 1800, not 1620). A price tier is never dearer than the
  discounted unit: when the discount already gives less, the discount stands and the tier is not
  applied. 4 units at "3 for 2600" cost 4 × 2600 / 3 = 3466.67 → 3467.
- chosen variants: a price tier names the price of the product as listed; a variant gets the same
  relative saving (2 for 1800 is 90 % of the list price, so red at 120 costs 108 each).
So the share of the unit (price + variants) a buyer pays is (100 − discount) % without a tier,
(100 − discount) % × (100 − p) % at a percentage tier, and the lower of (100 − discount) % and
u / price (or s / (m × price)) at a price tier (`tier_share`). Validation compares tiers by the
same shares, so a line's total never falls when the quantity grows.

`unit_price` in the result is the exact unit rounded half-up for display; the total is rounded from
the exact unit, so it may differ from `unit_price × quantity` by less than one minor unit per unit.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from services.catalog.domain.errors import ErrorCollector, QuoteInvalid
from services.catalog.domain.model import Option, OptionKind, Variant, WholesaleTier
from services.common.money import Money

MAX_TEXT_LENGTH = 500
_ZERO_DECIMAL = {"JPY", "KRW", "VND", "CLP", "ISK", "UGX"}
_THREE_DECIMAL = {"BHD", "KWD", "OMR", "JOD", "TND", "IQD", "LYD"}


@dataclass(frozen=True, slots=True)
class PricedProduct:
    """What pricing needs of a product. Options and variants must carry their ids."""

    price: Money
    discount_percent: int = 0
    options: tuple[Option, ...] = ()
    wholesale: tuple[WholesaleTier, ...] = ()

    @classmethod
    def from_dict(cls, product: Mapping[str, Any], currency: str) -> PricedProduct:
        """From a stored product in the API's shape (options and variants with their ids);
        global options attached to it are passed in its `options` like its own."""
        return cls(
            price=Money(product["price"], currency),
            discount_percent=product.get("discount_percent") or 0,
            options=tuple(Option.from_dict(o) for o in product.get("options") or ()),
            wholesale=tuple(WholesaleTier.from_dict(t) for t in product.get("wholesale") or ()),
        )


@dataclass(frozen=True, slots=True)
class ChosenOption:
    """What the buyer chose for one option: variants (select/radio/checkbox) or a text."""

    option_id: str
    name: str
    kind: OptionKind
    variants: tuple[Variant, ...] = ()
    text: str | None = None

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"option_id": self.option_id, "name": self.name}
        data["kind"] = self.kind.value
        if self.kind is OptionKind.TEXT:
            data["text"] = self.text
        else:
            data["variants"] = [
                {"id": v.id, "label": v.label, "price_delta": v.price_delta} for v in self.variants
            ]
        return data


@dataclass(frozen=True, slots=True)
class LineQuote:
    quantity: int
    unit_price: Money
    total: Money
    applied: tuple[dict[str, Any], ...]
    chosen: tuple[ChosenOption, ...]
    exact_unit: Fraction

    def to_dict(self) -> dict[str, Any]:
        """The body of POST /products/{id}/quote, plus the quantity and the chosen options."""
        return {
            "quantity": self.quantity,
            "unit_price": self.unit_price.to_dict(),
            "total": self.total.to_dict(),
            "applied": [dict(step) for step in self.applied],
            "options": [choice.to_dict() for choice in self.chosen],
        }


def round_half_up(value: Fraction | int) -> int:
    """Round to a whole minor unit, halves away from zero (as `Money.percent` does)."""
    value = Fraction(value)
    magnitude = (abs(value.numerator) * 2 + value.denominator) // (2 * value.denominator)
    return magnitude if value >= 0 else -magnitude


def effective_price(price: Money, discount_percent: int = 0) -> Money:
    """The price a listing shows and sorts by: the discount applied, no options, quantity 1."""
    amount = round_half_up(Fraction(price.amount * (100 - discount_percent), 100))
    return Money(amount, price.currency)


def tier_for(wholesale: Iterable[WholesaleTier], quantity: int) -> WholesaleTier | None:
    """The tier with the highest `min_quantity` not above the quantity, or None."""
    fitting = [tier for tier in wholesale if tier.min_quantity <= quantity]
    return max(fitting, key=lambda tier: tier.min_quantity, default=None)


def tier_share(tier: WholesaleTier | None, list_price: int,
               discount_percent: int = 0) -> Fraction:
    """The share of the unit (price + variants) a buyer pays with the product's discount and this
    tier (None: no tier), as the module's docstring says; never above the discounted share."""
    discounted = Fraction(100 - min(max(discount_percent, 0), 100), 100)
    if tier is None:
        return discounted
    if tier.percent_off is not None:
        share = discounted * Fraction(100 - tier.percent_off, 100)
    elif list_price <= 0:
        share = discounted
    elif tier.unit_price is not None:
        share = Fraction(tier.unit_price, list_price)
    elif tier.set_price is not None:
        share = Fraction(tier.set_price, tier.min_quantity * list_price)
    else:
        share = discounted
    return min(max(share, Fraction(0)), discounted)


def quote_line(
    product: PricedProduct, quantity: int, selection: Mapping[str, Any] | None = None
) -> LineQuote:
    """Price one line. `selection` maps option id → variant id | [variant ids] | text.

    Raises QuoteInvalid naming each bad field: `quantity`, `options.<option id>`.
    """
    errors = ErrorCollector()
    if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 1:
        errors.add("quantity", "Give a whole number of at least 1.")
    chosen = _choose(product.options, selection or {}, errors)
    errors.raise_if_any(QuoteInvalid, "The quote cannot be made.")

    currency = product.price.currency
    applied: list[dict[str, Any]] = []
    base = product.price.amount
    for choice in chosen:
        for variant in choice.variants:
            base += variant.price_delta
            applied.append(_variant_step(choice, variant, currency))
    share = tier_share(None, product.price.amount, product.discount_percent)
    if product.discount_percent:
        applied.append(_discount_step(product.discount_percent))
    tier = tier_for(product.wholesale, quantity)
    at_tier = tier_share(tier, product.price.amount, product.discount_percent)
    if tier is not None and at_tier < share:
        share = at_tier
        applied.append(_tier_step(tier, currency))
    unit = base * share
    return LineQuote(
        quantity=quantity,
        unit_price=Money(round_half_up(unit), currency),
        total=Money(round_half_up(unit * quantity), currency),
        applied=tuple(applied),
        chosen=chosen,
        exact_unit=unit,
    )


# Choosing options -------------------------------------------------------------------------------


def _choose(
    options: Sequence[Option], selection: Mapping[str, Any], errors: ErrorCollector
) -> tuple[ChosenOption, ...]:
    known = {option.id for option in options}
    for option_id in selection:
        if str(option_id) not in known:
            errors.add(f"options.{option_id}", "This product has no such option.")
    chosen: list[ChosenOption] = []
    for option in options:
        value = selection.get(option.id)
        choice = _choose_one(option, value, errors)
        if choice is not None:
            chosen.append(choice)
    return tuple(chosen)


def _choose_one(option: Option, value: Any, errors: ErrorCollector) -> ChosenOption | None:
    path = f"options.{option.id}"
    if option.kind is OptionKind.TEXT:
        return _choose_text(option, value, path, errors)
    ids = _variant_ids(option, value, path, errors)
    if ids is None:
        return None
    variants = []
    for variant_id in ids:
        variant = option.variant(variant_id)
        if variant is None:
            errors.add(path, f"Option '{option.name}' has no variant {variant_id!r}.")
            return None
        variants.append(variant)
    if not variants:
        if option.required:
            verb = "Tick at least one" if option.kind is OptionKind.CHECKBOX else "Choose a"
            errors.add(path, f"Option '{option.name}' is required: {verb.lower()} variant.")
        return None
    return ChosenOption(option.id or "", option.name, option.kind, tuple(variants))


def _variant_ids(option: Option, value: Any, path: str, errors: ErrorCollector) -> list[str] | None:
    """The variant ids the value names, in the option's shape; None (and an error) if malformed."""
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        errors.add(path, "Give a variant id or a list of variant ids.")
        return None
    ids = list(dict.fromkeys(value))  # a repeated tick counts once
    if option.kind is not OptionKind.CHECKBOX and len(ids) > 1:
        errors.add(path, f"Option '{option.name}' takes exactly one variant.")
        return None
    return ids


def _choose_text(
    option: Option, value: Any, path: str, errors: ErrorCollector
) -> ChosenOption | None:
    if value is not None and not isinstance(value, str):
        errors.add(path, f"Option '{option.name}' takes text.")
        return None
    text = (value or "").strip()
    if not text:
        if option.required:
            errors.add(path, f"Option '{option.name}' is required: write the text.")
        return None
    if len(text) > MAX_TEXT_LENGTH:
        errors.add(path, f"At most {MAX_TEXT_LENGTH} characters.")
        return None
    return ChosenOption(option.id or "", option.name, option.kind, text=text)


# What was applied -------------------------------------------------------------------------------


def format_amount(amount: int, currency: str) -> str:
    """Minor units as a human amount: 2000 RUB → "20.00 RUB"."""
    digits = 0 if currency in _ZERO_DECIMAL else 3 if currency in _THREE_DECIMAL else 2
    sign = "-" if amount < 0 else ""
    whole, fraction = divmod(abs(amount), 10**digits)
    text = f"{whole}.{fraction:0{digits}d}" if digits else str(whole)
    return f"{sign}{text} {currency}"


def _variant_step(choice: ChosenOption, variant: Variant, currency: str) -> dict[str, Any]:
    delta = format_amount(variant.price_delta, currency)
    return {
        "step": "variant",
        "option_id": choice.option_id,
        "option": choice.name,
        "variant_id": variant.id,
        "label": variant.label,
        "price_delta": variant.price_delta,
        "description": f"{choice.name}: {variant.label} (+{delta})",
    }


def _discount_step(percent: int) -> dict[str, Any]:
    return {"step": "discount", "percent": percent, "description": f"Discount {percent} %"}


def _tier_step(tier: WholesaleTier, currency: str) -> dict[str, Any]:
    if tier.percent_off is not None:
        what = f"{tier.percent_off} % off"
    elif tier.unit_price is not None:
        what = f"{format_amount(tier.unit_price, currency)} each"
    else:
        what = f"{tier.min_quantity} for {format_amount(tier.set_price or 0, currency)}"
    return {
        "step": "wholesale",
        "min_quantity": tier.min_quantity,
        "kind": tier.kind,
        "value": getattr(tier, tier.kind),
        "description": f"Wholesale from {tier.min_quantity}: {what}",
    }
