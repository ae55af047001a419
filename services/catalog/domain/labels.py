"""Product and shop labels (seed 003, "Как добавлять этикетки на товар?").

- `new`: automatic, for 5 days from the product's creation (the seed's site takes up to a day to
  put it on; we put it on at once);
- `hit`: automatic, once the product has been bought 10 or more times;
- `discount`: automatic, whenever `discount_percent` > 0;
- `free_delivery`: the seller's own flag on the product;
- `official_reseller`: set by an admin for a seller who proved reseller status.
The shop label `reliable_seller` comes from an approved "verified seller" application.
Times are timezone-aware UTC; `now` is always passed in, so the rules are testable and cacheable.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

NEW_FOR = timedelta(days=5)
HIT_PURCHASES = 10


class Label(StrEnum):
    NEW = "new"
    HIT = "hit"
    DISCOUNT = "discount"
    FREE_DELIVERY = "free_delivery"
    OFFICIAL_RESELLER = "official_reseller"


class ShopLabel(StrEnum):
    RELIABLE_SELLER = "reliable_seller"


@dataclass(frozen=True, slots=True)
class LabelFacts:
    """What the labels are computed from. `purchases` counts times bought: paid order lines of
    the product, not units (ten buyers of one mug make a hit; one buyer of ten mugs does not)."""

    created_at: datetime
    purchases: int = 0
    discount_percent: int = 0
    free_delivery: bool = False
    official_reseller: bool = False


def is_new(created_at: datetime, now: datetime) -> bool:
    """New from creation until 5 days later (exclusive)."""
    return timedelta(0) <= now - created_at < NEW_FOR


def new_until(created_at: datetime) -> datetime:
    """When the `new` label drops off (for caches and the `newest` sort)."""
    return created_at + NEW_FOR


def product_labels(facts: LabelFacts, now: datetime) -> list[str]:
    """The product's labels, always in the order of `Label`."""
    earned = {
        Label.NEW: is_new(facts.created_at, now),
        Label.HIT: facts.purchases >= HIT_PURCHASES,
        Label.DISCOUNT: facts.discount_percent > 0,
        Label.FREE_DELIVERY: facts.free_delivery,
        Label.OFFICIAL_RESELLER: facts.official_reseller,
    }
    return [label.value for label in Label if earned[label]]


def shop_labels(reliable_seller: bool) -> list[str]:
    return [ShopLabel.RELIABLE_SELLER.value] if reliable_seller else []
