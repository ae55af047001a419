"""The gateway's edge cache of public catalog reads, through two gateway replicas in front of the
real catalog and its relay: a page answered from a replica's cache shows a price, shop or stock
change within a second of the change's answer; every view is counted once, whichever replica and
worker answered it and whether or not from the cache; `If-None-Match` gets 304; a seller reads
their own disabled product past the cache while the public gets 404."""

from __future__ import annotations

import re
import time
import uuid

import pytest
import requests

from tests.support.api import Api, User
from tests.support.harness import wait_for

pytestmark = pytest.mark.integration

RUB = "RUB"
FRESH = 1.0  # seconds: the bound for a change to show on pages and listings
SHARED = {"GATEWAY_SECRET_KEY": "test-secret-" + uuid.uuid4().hex}  # replicas share their secret


@pytest.fixture(scope="module")
def gateways(system):
    system.start("catalog")
    system.relay("catalog")
    return system.gateway(env=SHARED), system.gateway(env=SHARED)


@pytest.fixture(scope="module")
def api(gateways):
    client = Api(gateways[0])
    yield client
    client.close()


@pytest.fixture
def reader(gateways):
    """An anonymous visitor of the first replica on a keep-alive connection of its own."""
    client = Api(gateways[0])
    yield client
    client.close()


def ok(response, status: int = 200) -> dict:
    assert response.status_code == status, response.text
    return response.json()


def shop_with_product(api: Api, **fields) -> tuple[User, dict, dict]:
    seller = api.register("seller")
    shop = ok(api.call("POST", "/shops", seller, json={"name": "Clay", "currency": RUB}), 201)
    body = {"title": "Mug with a fox", "description": "Stoneware.", "category": "mugs-and-cups",
            "price": 100000, "weight_grams": 400, "stock": {"mode": "tracked", "quantity": 5},
            **fields}
    product = ok(api.call("POST", f"/shops/{shop['id']}/products", seller, json=body), 201)
    return seller, shop, product


def cache_hits(gateway, kind: str = "page") -> float:
    text = requests.get(f"{gateway.url}/metrics", timeout=5).text
    found = re.search(rf'^gateway_catalog_cache_total{{kind="{kind}",result="hit"}} (\S+)$',
                      text, re.MULTILINE)
    return float(found.group(1)) if found else 0.0


def cached(reader: Api, gateway, path: str, kind: str = "page", params=None) -> dict:
    """Read `path` until an answer came from the cache (a worker listens for changes once it has
    started): the answer a later change must replace."""
    before = cache_hits(gateway, kind)

    def hit():
        body = ok(reader.call("GET", path, params=params))
        return body if cache_hits(gateway, kind) > before else None

    return wait_for(hit, timeout=15, message=f"{path} to be answered from the cache")


def within_a_second(since: float, read, expected, what: str):
    """`read()` until it equals `expected`, failing once FRESH seconds have passed since `since`."""
    wait_for(lambda: read() == expected, timeout=max(FRESH - (time.monotonic() - since), 0.0),
             interval=0.02, message=f"{what} within {FRESH} s")
    return expected


def test_a_cached_page_and_listing_show_a_price_or_shop_change_within_a_second(
        api, reader, gateways):
    seller, shop, product = shop_with_product(api)
    path = f"/products/{product['id']}"
    assert cached(reader, gateways[0], path)["price"]["amount"] == 100000
    query = {"shop_id": shop["id"]}
    assert cached(reader, gateways[0], "/products", "listing", query)["items"][0]["price"][
        "amount"] == 100000

    # The seller's change goes through the other replica: only the event can tell the reader's.
    other = Api(gateways[1])
    try:
        ok(other.call("PATCH", path, seller, json={"price": 120000}))
        changed = time.monotonic()
        within_a_second(changed, lambda: ok(reader.call("GET", path))["price"]["amount"], 120000,
                        "the product page's price")
        within_a_second(changed, lambda: ok(reader.call("GET", "/products", params=query))[
            "items"][0]["price"]["amount"], 120000, "the listing's price")

        cached(reader, gateways[0], path)
        ok(other.call("PATCH", f"/shops/{shop['id']}", seller, json={"name": "Clay and fire"}))
        renamed = time.monotonic()
        within_a_second(renamed, lambda: ok(reader.call("GET", path))["shop"]["name"],
                        "Clay and fire", "the shop's name on the product page")
    finally:
        other.close()


def test_stock_held_for_a_checkout_and_given_back_shows_within_a_second(
        system, api, reader, gateways):
    _seller, shop, product = shop_with_product(api)
    path = f"/products/{product['id']}"
    assert cached(reader, gateways[0], path)["stock"]["quantity"] == 5
    order_id = str(uuid.uuid4())

    with system.rpc() as rpc:  # what checkout asks the catalog: price, terms and hold at once
        rpc.catalog.hold_for_order(order_id, shop["id"], [
            {"product_id": product["id"], "quantity": 2, "options": {}}])
        held = time.monotonic()
        within_a_second(held, lambda: ok(reader.call("GET", path))["stock"]["quantity"], 3,
                        "the stock after a checkout's hold")

        cached(reader, gateways[0], path)
        rpc.catalog.release(order_id)
        released = time.monotonic()
        within_a_second(released, lambda: ok(reader.call("GET", path))["stock"]["quantity"], 5,
                        "the stock given back")


def views_of(api: Api, seller: User, product_id: str) -> int:
    return ok(api.call("GET", f"/products/{product_id}", seller))["stats"]["views"]


def test_views_through_two_replicas_are_each_counted_once(system, api, gateways):
    # The second replica sends its views only when it stops (its flush period is far away).
    first = gateways[0]
    second = system.gateway(env={**SHARED, "GATEWAY_CATALOG_VIEWS_FLUSH_SECONDS": "600"})
    seller, _shop, product = shop_with_product(api)
    path = f"/products/{product['id']}"
    visitors = [Api(first), Api(first), Api(second), Api(second)]
    try:
        before = cache_hits(first), cache_hits(second)
        for _ in range(10):
            for visitor in visitors:
                ok(visitor.call("GET", path))
        for visitor in visitors:
            ok(visitor.call("GET", path, visitor.register("buyer")))  # a buyer's view counts too
    finally:
        for visitor in visitors:
            visitor.close()
    assert cache_hits(first) > before[0] and cache_hits(second) > before[1]
    ok(api.call("GET", path, seller))  # the owner's own view is not counted

    # The first replica sends its counts every second; the second only when it stops.
    second.stop()
    wait_for(lambda: views_of(api, seller, product["id"]) >= 44, timeout=15,
             message="the 44 views to be counted")
    assert views_of(api, seller, product["id"]) == 44


def test_if_none_match_is_answered_304(api, reader, gateways):
    _seller, shop, product = shop_with_product(api)
    for path, params in ((f"/products/{product['id']}", None),
                         ("/products", {"shop_id": shop["id"]})):
        first = reader.call("GET", path, params=params)
        assert first.status_code == 200 and first.headers["ETag"].startswith('"')
        again = reader.call("GET", path, params=params,
                            headers={"If-None-Match": first.headers["ETag"]})
        assert again.status_code == 304 and again.content == b""
        assert again.headers["ETag"] == first.headers["ETag"]
        other = reader.call("GET", path, params=params, headers={"If-None-Match": '"stale"'})
        assert other.status_code == 200 and other.json() == first.json()


def test_a_seller_reads_their_disabled_product_while_the_public_gets_404(api, reader, gateways):
    seller, _shop, product = shop_with_product(api)
    path = f"/products/{product['id']}"
    cached(reader, gateways[0], path)
    other = Api(gateways[1])
    try:
        ok(other.call("DELETE", path, seller))
    finally:
        other.close()
    gone = time.monotonic()
    within_a_second(gone, lambda: reader.call("GET", path).status_code, 404,
                    "the disabled product's page")
    own = ok(api.call("GET", path, seller))
    assert own["enabled"] is False and own["listed"] is False
    assert api.call("GET", path, api.register("buyer")).status_code == 404
