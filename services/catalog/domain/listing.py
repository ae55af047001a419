"""Storefront order (seed 003, "Как сортируются товары на витрине?").

The buyer chooses: price up, price down, by discount size (largest first), by popularity (the
score of popularity.py), or newest first. Decisions where the seed is silent:
- popularity is the default order;
- promoted products come above all others, highest daily bid first (seed 003, "Платное
  продвижение"), in the popularity order only: a price or discount order is the buyer's explicit
  choice and stays honest;
- prices compare on the effective price (discount applied); `offer_only` products have no public
  price and go after the priced ones in either price order;
- a text search with no sort asked for is in relevance order (its score, domain/search.py), ties
  by popularity; with a sort asked for, the search only filters;
- ties fall back to newest first, then the product id, so pages never shuffle.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from services.catalog.domain.errors import ProductInvalid


class SortOrder(StrEnum):
    PRICE_ASC = "price_asc"
    PRICE_DESC = "price_desc"
    DISCOUNT = "discount"
    POPULARITY = "popularity"
    NEWEST = "newest"
    RELEVANCE = "relevance"  # a text search's own order; never asked for by name


DEFAULT_SORT = SortOrder.POPULARITY


@dataclass(frozen=True, slots=True)
class ListingEntry:
    product_id: str
    effective_price: int | None  # minor units; None for offer_only
    discount_percent: int
    popularity: float
    created_at: datetime
    promotion_bid: int | None = None  # the daily bid of a promotion running now
    relevance: int = 0  # a text search's score


def parse_sort(value: str | None) -> SortOrder:
    """The `sort` query parameter; missing → popularity; unknown → 422 on `sort`."""
    if not value:
        return DEFAULT_SORT
    try:
        order = SortOrder(value)
    except ValueError:
        order = SortOrder.RELEVANCE
    if order is SortOrder.RELEVANCE:
        choices = ", ".join(o.value for o in SortOrder if o is not SortOrder.RELEVANCE)
        error = ProductInvalid(f"Unknown sort {value!r}.", errors={"sort": f"One of {choices}."})
        raise error
    return order


def listing_order(value: str | None, searched: bool) -> SortOrder:
    """The listing's order: the one asked for, else relevance for a text search, else the
    default."""
    if not value and searched:
        return SortOrder.RELEVANCE
    return parse_sort(value)


def sort_listing(entries: Iterable[ListingEntry], order: SortOrder) -> list[ListingEntry]:
    """The entries in the storefront's order."""
    ranked = sorted(entries, key=_newest_first)
    if order is SortOrder.NEWEST:
        return ranked
    if order is SortOrder.DISCOUNT:
        return sorted(ranked, key=lambda e: -e.discount_percent)
    if order is SortOrder.POPULARITY:
        return sorted(ranked, key=lambda e: (-(e.promotion_bid or 0), -e.popularity))
    if order is SortOrder.RELEVANCE:
        return sorted(ranked, key=lambda e: (-e.relevance, -e.popularity))
    sign = 1 if order is SortOrder.PRICE_ASC else -1
    return sorted(ranked, key=lambda e: _price_key(e, sign))


def _newest_first(entry: ListingEntry) -> tuple[float, str]:
    return (-entry.created_at.timestamp(), entry.product_id)


def _price_key(entry: ListingEntry, sign: int) -> tuple[int, int]:
    if entry.effective_price is None:
        return (1, 0)
    return (0, sign * entry.effective_price)
