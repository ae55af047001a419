"""The relevance set (relevance.py) through the running catalog, on each backend: every query finds
its products in its first five, and the search answers alike on PostgreSQL and SQLite."""

from __future__ import annotations

import pytest

from tests.integration.catalog import relevance
from tests.integration.catalog.support import Caller

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def relevance_catalog(amqp):
    """The relevance set's catalog in a shop of its own: (shop id, product id → key)."""
    seller = Caller(amqp, roles=("seller",))
    try:
        shop = seller.catalog.create_shop({"name": "Relevance", "currency": "RUB"})
        keys = {}
        for key, fields in relevance.catalog():
            made = seller.catalog.create_product(shop["id"], relevance.body(fields))
            keys[made["id"]] = key
    finally:
        seller.close()
    return shop["id"], keys


def search(anyone, relevance_catalog, q: str, **query) -> list[str]:
    shop_id, keys = relevance_catalog
    page = anyone.catalog.list_products({"q": q, "shop_id": shop_id, **query})
    return [keys[item["id"]] for item in page["items"]]


@pytest.mark.parametrize(("query", "expected"), relevance.QUERIES,
                         ids=[q for q, _ in relevance.QUERIES])
def test_the_query_finds_its_products_in_the_first_five(anyone, relevance_catalog, query,
                                                        expected):
    found = search(anyone, relevance_catalog, query, per_page=relevance.TOP)

    assert set(expected) <= set(found), found


def test_the_whole_set_hits_and_a_sort_that_ignores_relevance_does_not(anyone,
                                                                       relevance_catalog):
    assert relevance.hit_rate(lambda q: search(anyone, relevance_catalog, q)) == (
        len(relevance.QUERIES), len(relevance.QUERIES))
    hits, _ = relevance.hit_rate(lambda q: search(anyone, relevance_catalog, q, sort="newest"))
    assert hits < len(relevance.QUERIES) // 2  # the distractors are newer: the set tells


def test_a_search_ranks_and_counts_the_same_on_either_backend(anyone, relevance_catalog):
    """Pinned answers, so both backends' runs of this module check the same ranking."""
    shop_id, keys = relevance_catalog
    page = anyone.catalog.list_products({"q": "серебро", "shop_id": shop_id, "per_page": 3})
    typo = anyone.catalog.list_products({"q": "крушка", "shop_id": shop_id, "per_page": 2})

    assert [keys[i["id"]] for i in page["items"]] == ["ru_earrings", "ru_ring", "distractor_87"]
    assert page["total"] == 8
    assert [keys[i["id"]] for i in typo["items"]] == ["ru_mug_fox", "ru_mugs_set"]
    assert typo["total"] == 11
