"""What the catalog learns from orders, over HTTP: the gateway in front of the real catalog,
shipping and orders services, with the relay carrying the orders' events to the catalog. A shop is
rated by its buyers' public reviews (API.md: `rating` on the shop); a product is bought, for its
`hit` label (seed 003: bought 10 or more times), once per order that pays for it. Every test makes its own users
and shops, so they share one running system per module and backend."""

from __future__ import annotations

import uuid

import pytest

from tests.support.api import Api, User
from tests.support.harness import wait_for

pytestmark = pytest.mark.integration

RUB = "RUB"
ADDRESS = {"full_name": "Anna Petrova", "phone": "+79990000000", "country": "RU",
           "region": "Moscow", "city": "Moscow", "line1": "Tverskaya 1", "postal_code": "125009"}


@pytest.fixture(scope="module")
def gateway(system):
    fast = {"EVENT_RETRY_BACKOFF_MS": "200"}
    for service in ("catalog", "shipping", "orders"):
        system.start(service, env=fast, wait=False)
    for proc, service in zip(system.processes, ("catalog", "shipping", "orders"), strict=True):
        proc.wait_healthy(service)
    system.relay("orders", "catalog", "shipping")
    return system.gateway()


@pytest.fixture(scope="module")
def api(gateway):
    client = Api(gateway)
    yield client
    client.close()


def ok(response, status: int = 200) -> dict:
    assert response.status_code == status, response.text
    return response.json()


class Shop:
    """A seller's shop selling one 1,000 ₽ mug (5 in stock) with a 300 ₽ courier."""

    def __init__(self, api: Api, quantity: int = 5):
        self.api, self.seller = api, api.register("seller")
        self.id = ok(api.call("POST", "/shops", self.seller,
                              json={"name": "Clay and fire", "currency": RUB}), 201)["id"]
        self.mug = ok(api.call("POST", f"/shops/{self.id}/products", self.seller, json={
            "title": "Mug with a fox", "category": "ceramics", "price": 100000,
            "weight_grams": 400, "stock": {"mode": "tracked", "quantity": quantity}}), 201)
        self.courier = ok(api.call("POST", f"/shops/{self.id}/delivery-methods", self.seller,
                                   json={"name": "Courier", "carrier": "courier", "rate": {
                                       "basis": "fixed", "tiers": [{"from": 0, "cost": 30000}]}}),
                          201)["id"]

    def order(self, buyer: User, quantity: int = 1) -> str:
        """The buyer checks a mug out: the new order's path."""
        ok(self.api.call("POST", "/cart/items", buyer,
                         json={"product_id": self.mug["id"], "quantity": quantity}), 201)
        placed = ok(self.api.call("POST", "/checkout", buyer, json={
            "shipping_address": ADDRESS, "accept_rules": True,
            "shops": [{"shop_id": self.id, "delivery_method_id": self.courier}]},
            headers={"Idempotency-Key": str(uuid.uuid4())}), 201)
        [order] = placed["orders"]
        return f"/orders/{order['id']}"

    def paid_order(self, buyer: User) -> str:
        """An order confirmed and marked paid by the seller (payment agreed outside the site)."""
        path = self.order(buyer)
        ok(self.api.call("POST", f"{path}/confirm", self.seller))
        assert ok(self.api.call("POST", f"{path}/mark-paid", self.seller))["status"] == "paid"
        return path

    def received_order(self, buyer: User) -> str:
        path = self.paid_order(buyer)
        ok(self.api.call("POST", f"{path}/shipments", self.seller, json={
            "carrier": "russian_post", "tracking_number": "RA123456789RU"}), 201)
        wait_for(lambda: ok(self.api.call("GET", path, buyer))["status"] == "shipped",
                 message="the order to be shipped")
        assert ok(self.api.call("POST", f"{path}/receive", buyer))["status"] == "received"
        return path

    def product(self) -> dict:
        """The mug as its owner sees it (with `stats`)."""
        return ok(self.api.call("GET", f"/products/{self.mug['id']}", self.seller))

    def rating(self) -> dict:
        return ok(self.api.call("GET", f"/shops/{self.id}"))["rating"]


def test_a_shop_is_rated_by_the_average_of_its_buyers_reviews(api):
    shop = Shop(api)
    assert shop.rating() == {"average": None, "count": 0}

    for stars in (5, 4, 4):
        buyer = api.register("buyer")
        path = shop.received_order(buyer)
        ok(api.call("POST", f"{path}/review", buyer, json={"rating": stars, "text": "Nice"}), 201)

    wait_for(lambda: shop.rating()["count"] == 3, message="the three reviews counted")
    assert shop.rating() == {"average": 4.33, "count": 3}
    reviews = ok(api.call("GET", f"/shops/{shop.id}/reviews"))
    assert reviews["total"] == 3 and reviews["average_rating"] == shop.rating()["average"]


def test_a_product_is_bought_when_its_order_is_paid_and_ten_paid_orders_make_a_hit(api):
    shop, buyer = Shop(api, quantity=20), api.register("buyer")
    paid = [shop.paid_order(buyer) for _ in range(9)]
    unpaid = shop.order(buyer, quantity=2)  # placed, not paid: not bought
    wait_for(lambda: shop.product()["stats"]["sales"] == 9, message="nine paid orders counted")
    assert "hit" not in shop.product()["labels"]

    # The tenth order paid (the seller marks it paid: payment agreed outside the site).
    ok(api.call("POST", f"{unpaid}/confirm", shop.seller))
    ok(api.call("POST", f"{unpaid}/mark-paid", shop.seller))
    wait_for(lambda: "hit" in shop.product()["labels"], message="the hit label")
    assert shop.product()["stats"]["sales"] == 10
    assert "hit" in ok(api.call("GET", f"/products/{shop.mug['id']}"))["labels"]

    # A paid order cancelled by the seller is no purchase any more.
    ok(api.call("POST", f"{paid[0]}/cancel", shop.seller, json={"reason": "Broken in the kiln"}))
    wait_for(lambda: shop.product()["stats"]["sales"] == 9, message="the cancelled sale taken back")
    assert "hit" not in shop.product()["labels"]

    # An order cancelled before it is paid never counted: its units come back, the sales stay.
    dropped = shop.order(buyer)
    assert ok(api.call("POST", f"{dropped}/cancel", buyer))["status"] == "cancelled"
    wait_for(lambda: shop.product()["stock"]["quantity"] == 20 - 11 + 1,
             message="the cancelled orders' units back")
    assert shop.product()["stats"]["sales"] == 9
