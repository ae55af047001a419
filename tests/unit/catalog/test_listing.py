"""Storefront order: price, discount, popularity with promotions first, newest, relevance."""

from datetime import UTC, datetime, timedelta

import pytest

from services.catalog.domain.errors import ProductInvalid
from services.catalog.domain.listing import (
    ListingEntry,
    SortOrder,
    listing_order,
    parse_sort,
    sort_listing,
)

DAY_ONE = datetime(2026, 7, 1, tzinfo=UTC)


def entry(product_id, price, discount=0, popularity=0.0, age_days=0, bid=None):
    created = DAY_ONE - timedelta(days=age_days)
    return ListingEntry(product_id, price, discount, popularity, created, bid)


CHEAP = entry("cheap", 500, discount=10, popularity=2.0, age_days=3)
DEAR = entry("dear", 9000, discount=30, popularity=8.0, age_days=1)
MIDDLE = entry("middle", 3000, popularity=5.0, age_days=2)
ON_OFFER = entry("on-offer", None, popularity=1.0, age_days=0)
PROMOTED = entry("promoted", 4000, popularity=0.5, age_days=9, bid=20000)
RICHER_PROMOTION = entry("richer", 4500, popularity=0.1, age_days=9, bid=30000)
ALL = [CHEAP, DEAR, MIDDLE, ON_OFFER, PROMOTED, RICHER_PROMOTION]


def ids(entries):
    return [e.product_id for e in entries]


def test_price_up_and_down_put_products_without_a_public_price_last():
    assert ids(sort_listing(ALL, SortOrder.PRICE_ASC)) == [
        "cheap",
        "middle",
        "promoted",
        "richer",
        "dear",
        "on-offer",
    ]
    assert ids(sort_listing(ALL, SortOrder.PRICE_DESC)) == [
        "dear",
        "richer",
        "promoted",
        "middle",
        "cheap",
        "on-offer",
    ]


def test_the_largest_discount_comes_first_and_ties_go_newest_first():
    assert ids(sort_listing(ALL, SortOrder.DISCOUNT)) == [
        "dear",
        "cheap",
        "on-offer",
        "middle",
        "promoted",
        "richer",
    ]


def test_promoted_products_lead_the_popularity_order_by_bid():
    assert ids(sort_listing(ALL, SortOrder.POPULARITY)) == [
        "richer",
        "promoted",
        "dear",
        "middle",
        "cheap",
        "on-offer",
    ]


def test_newest_first_breaks_ties_by_product_id():
    twin = entry("a-twin", 100, age_days=9)

    assert ids(sort_listing([*ALL, twin], SortOrder.NEWEST)) == [
        "on-offer",
        "dear",
        "middle",
        "cheap",
        "a-twin",
        "promoted",
        "richer",
    ]


def test_the_sort_parameter_defaults_to_popularity_and_refuses_unknown_orders():
    assert parse_sort(None) is SortOrder.POPULARITY
    assert parse_sort("price_desc") is SortOrder.PRICE_DESC

    with pytest.raises(ProductInvalid) as refused:
        parse_sort("cheapest")

    assert refused.value.errors == {
        "sort": ["One of price_asc, price_desc, discount, popularity, newest."]
    }


def test_a_text_search_without_a_sort_is_in_relevance_order_then_popularity():
    title_match = ListingEntry("title", 100, 0, 1.0, DAY_ONE, relevance=8)
    popular_description_match = ListingEntry("description", 100, 0, 9.0, DAY_ONE, relevance=2)
    popular_title_match = ListingEntry("popular-title", 100, 0, 5.0, DAY_ONE, relevance=8)

    ranked = sort_listing([popular_description_match, title_match, popular_title_match],
                          listing_order(None, searched=True))

    assert ids(ranked) == ["popular-title", "title", "description"]
    assert listing_order("price_asc", searched=True) is SortOrder.PRICE_ASC
    assert listing_order(None, searched=False) is SortOrder.POPULARITY


def test_relevance_is_not_a_sort_a_buyer_can_ask_for():
    with pytest.raises(ProductInvalid) as refused:
        parse_sort("relevance")

    assert refused.value.errors == {
        "sort": ["One of price_asc, price_desc, discount, popularity, newest."]
    }
