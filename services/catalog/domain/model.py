"""The catalog's vocabulary: the enumerations and small value objects the other modules share.

Amounts inside a product (`price_delta`, a tier's `unit_price` or `set_price`) are plain integers
in minor units of the shop's currency, as in the HTTP bodies; the product's `price` carries the
currency.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class OptionKind(StrEnum):
    """How an option shows on the storefront (seed 003, "Как создать опцию товара?")."""

    SELECT = "select"  # a scrolling list: one variant
    CHECKBOX = "checkbox"  # every variant a tick box: zero or more variants
    RADIO = "radio"  # a group of blocks: the buyer must choose exactly one
    TEXT = "text"  # a free text field (e.g. a child's name); no variants, no price

    @property
    def has_variants(self) -> bool:
        return self is not OptionKind.TEXT


class StockMode(StrEnum):
    """Seed 003, "В наличии или на заказ?"."""

    TRACKED = "tracked"  # a quantity on hand that every order takes from
    MADE_TO_ORDER = "made_to_order"  # made after the order, in `production_days`
    UNTRACKED = "untracked"  # sold as ready goods, the quantity is not counted


class SaleMode(StrEnum):
    """Buy Now and Make Offer (seed 002)."""

    BUY_NOW = "buy_now"
    BUY_NOW_OR_OFFER = "buy_now_or_offer"
    OFFER_ONLY = "offer_only"  # no public price; bought through an accepted offer

    @property
    def has_public_price(self) -> bool:
        return self is not SaleMode.OFFER_ONLY

    @property
    def accepts_offers(self) -> bool:
        return self is not SaleMode.BUY_NOW


@dataclass(frozen=True, slots=True)
class Variant:
    """One choice of an option; `price_delta` (minor units, ≥ 0) is added to the product's price."""

    label: str
    price_delta: int = 0
    id: str | None = None

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Variant:
        raw_id = data.get("id")
        return cls(
            label=data.get("label", ""),
            price_delta=data.get("price_delta", 0),
            id=None if raw_id is None else str(raw_id),
        )


@dataclass(frozen=True, slots=True)
class Option:
    """A product option (colour, size, a name to embroider); global options have the same shape."""

    name: str
    kind: OptionKind
    required: bool = False
    variants: tuple[Variant, ...] = ()
    id: str | None = None

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Option:
        raw_id = data.get("id")
        kind = data.get("kind", "")
        return cls(
            name=data.get("name", ""),
            kind=OptionKind(kind) if kind in _OPTION_KINDS else kind,
            required=bool(data.get("required", False)),
            variants=tuple(Variant.from_dict(v) for v in data.get("variants") or ()),
            id=None if raw_id is None else str(raw_id),
        )

    def variant(self, variant_id: str) -> Variant | None:
        return next((v for v in self.variants if v.id == variant_id), None)


_OPTION_KINDS = {kind.value for kind in OptionKind}


@dataclass(frozen=True, slots=True)
class WholesaleTier:
    """A quantity discount (seed 003, "Как предложить оптовую скидку на товар?").

    Exactly one of: `percent_off` (e.g. 10 % for 2), `unit_price` (each unit costs this from
    `min_quantity` on), `set_price` (the total for `min_quantity` units: 3 for 2600).
    """

    min_quantity: int
    percent_off: int | None = None
    unit_price: int | None = None
    set_price: int | None = None

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> WholesaleTier:
        return cls(
            min_quantity=data.get("min_quantity", 0),
            percent_off=data.get("percent_off"),
            unit_price=data.get("unit_price"),
            set_price=data.get("set_price"),
        )

    @property
    def kind(self) -> str:
        for name in ("percent_off", "unit_price", "set_price"):
            if getattr(self, name) is not None:
                return name
        return "none"

    def to_dict(self) -> dict[str, int]:
        return {"min_quantity": self.min_quantity, self.kind: getattr(self, self.kind)}


@dataclass(frozen=True, slots=True)
class Stock:
    """How the product's availability is kept; the fields that do not fit the mode stay None."""

    mode: StockMode
    quantity: int | None = None
    production_days: int | None = None

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Stock:
        mode = data.get("mode", "")
        return cls(
            mode=StockMode(mode) if mode in {m.value for m in StockMode} else mode,
            quantity=data.get("quantity"),
            production_days=data.get("production_days"),
        )


@dataclass(frozen=True, slots=True)
class ImageSize:
    width: int
    height: int
