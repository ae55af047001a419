"""Delivery over HTTP: a shop's own methods, the universal ones, and quotes from rate tables,
through the gateway, with the real catalog (weights, prices) and shipping services."""

from __future__ import annotations

import uuid

import pytest
from nameko.standalone.rpc import ClusterRpcProxy

from gateway.identity import create_admin
from tests.support.api import Api, User

pytestmark = pytest.mark.integration

COURIER_MOSCOW = {
    "name": "Courier in Moscow", "carrier": "courier",
    "destinations": [{"country": "RU", "city": "Moscow"}],
    "weight_limit_grams": {"min": 0, "max": 19000},
    "rate": {"basis": "price", "tiers": [{"from": 0, "cost": 30000}, {"from": 300000, "cost": 0}]},
    "delivery_days": 2,
}
POST_BY_WEIGHT = {
    "name": "Russian Post", "carrier": "russian_post",
    "destinations": [{"country": "RU"}],
    "weight_limit_grams": {"min": 0, "max": 20000},
    "rate": {"basis": "weight", "tiers": [{"from": 0, "cost": 20000}, {"from": 1001, "cost": 25000},
                                          {"from": 2001, "cost": 40000}]},
    "delivery_days": 7,
}


@pytest.fixture(scope="module")
def gateway(system):
    system.start("catalog")
    system.start("shipping")
    return system.gateway()


@pytest.fixture(scope="module")
def api(gateway):
    client = Api(gateway)
    yield client
    client.close()


@pytest.fixture(scope="module")
def admin(gateway, api) -> User:
    email, password = f"admin-{uuid.uuid4().hex[:8]}@atelier.test", "admin-password-1"
    created = create_admin(email, password, "Root",
                           database_url=gateway.env["GATEWAY_DATABASE_URL"])
    token = api.call("POST", "/auth/login", json={"email": email, "password": password})
    assert token.status_code == 200, token.text
    return User(created["id"], email, token.json()["access_token"], created["roles"])


def open_shop(system, seller) -> tuple[str, list[str]]:
    """A shop with a 2 kg vase at 1,600 ₽ and a 500 g cup at 900 ₽ (shop and products by RPC)."""
    context = {"user_id": seller.id, "roles": ["seller"]}
    with ClusterRpcProxy({"AMQP_URI": system.amqp_uri}, context_data=context) as rpc:
        shop = rpc.catalog.create_shop({"name": "Clay and fire", "currency": "RUB"})
        products = [rpc.catalog.create_product(shop["id"], {
            "title": title, "description": "Stoneware, glazed by hand.", "category": "ceramics",
            "price": price, "weight_grams": weight, "stock": {"mode": "tracked", "quantity": 20},
        })["id"] for title, price, weight in (("Vase", 160000, 2000), ("Cup", 90000, 500))]
    return shop["id"], products


def add_product(system, seller, shop_id, title, price, weight, **fields) -> str:
    context = {"user_id": seller.id, "roles": ["seller"]}
    with ClusterRpcProxy({"AMQP_URI": system.amqp_uri}, context_data=context) as rpc:
        return rpc.catalog.create_product(shop_id, {
            "title": title, "description": "Made by hand.", "category": "ceramics",
            "price": price, "weight_grams": weight, "stock": {"mode": "tracked", "quantity": 20},
            **fields})["id"]


def quote(api, shop_id, items, city="Moscow"):
    response = api.call("POST", "/delivery/quote", json={
        "shop_id": shop_id, "destination": {"country": "RU", "region": "Moscow", "city": city},
        "items": [{"product_id": p, "quantity": q} for p, q in items]})
    assert response.status_code == 200, response.text
    return {m["name"]: m["cost"] for m in response.json()["methods"]}


def test_a_seller_sets_up_delivery_and_buyers_get_priced_quotes(system, api):
    seller = api.register("seller")
    shop_id, (vase, cup) = open_shop(system, seller)
    path = f"/shops/{shop_id}/delivery-methods"
    for body in (COURIER_MOSCOW, POST_BY_WEIGHT):
        created = api.call("POST", path, seller, json=body)
        assert created.status_code == 201, created.text
    listed = api.call("GET", path).json()["items"]
    universal = [m for m in listed if m["universal"]]
    assert len(universal) == 4 and all(m["cost"] is None for m in universal)
    for method in universal:  # this shop quotes only its own methods
        switched = api.call("PATCH", f"{path}/{method['id']}", seller, json={"enabled": False})
        assert switched.status_code == 200 and switched.json()["enabled"] is False

    # One vase: 1,600 ₽ and 2 kg. The courier charges 300 ₽ below 3,000 ₽; the post 250 ₽ for 2 kg.
    rub = "RUB"
    assert quote(api, shop_id, [(vase, 1)]) == {
        "Courier in Moscow": {"amount": 30000, "currency": rub},
        "Russian Post": {"amount": 25000, "currency": rub},
    }
    # Two vases and a cup: 4,100 ₽ (free courier) and 4.5 kg (400 ₽ by post).
    assert quote(api, shop_id, [(vase, 2), (cup, 1)]) == {
        "Courier in Moscow": {"amount": 0, "currency": rub},
        "Russian Post": {"amount": 40000, "currency": rub},
    }
    # Outside Moscow only the post fits.
    assert list(quote(api, shop_id, [(cup, 1)], city="Tula")) == ["Russian Post"]


def test_free_delivery_items_count_toward_a_free_from_price_threshold(system, api):
    seller = api.register("seller")
    shop_id, (vase, _cup) = open_shop(system, seller)
    spoon = add_product(system, seller, shop_id, "Spoon", 150000, 100, free_delivery=True)
    created = api.call("POST", f"/shops/{shop_id}/delivery-methods", seller, json=COURIER_MOSCOW)
    assert created.status_code == 201, created.text

    # The vase alone is 1,600 ₽ of goods: the courier charges 300 ₽.
    assert quote(api, shop_id, [(vase, 1)])["Courier in Moscow"] == {"amount": 30000,
                                                                     "currency": "RUB"}
    # With a 1,500 ₽ free-delivery spoon the order is 3,100 ₽ of goods: free from 3,000 ₽.
    assert quote(api, shop_id, [(vase, 1), (spoon, 1)])["Courier in Moscow"] == {
        "amount": 0, "currency": "RUB"}


def test_only_the_shop_owner_changes_its_delivery_methods(system, api):
    owner, stranger, buyer = api.register("seller"), api.register("seller"), api.register("buyer")
    shop_id, _ = open_shop(system, owner)
    path = f"/shops/{shop_id}/delivery-methods"

    assert api.call("POST", path, stranger, json=COURIER_MOSCOW).status_code == 403
    assert api.call("POST", path, buyer, json=COURIER_MOSCOW).status_code == 403
    assert api.call("POST", path, json=COURIER_MOSCOW).status_code == 401
    # The owner check comes before the body is read: a stranger's bad body is still a 403.
    assert api.call("POST", path, stranger, json={"nonsense": 1}).status_code == 403
    assert [m for m in api.call("GET", path).json()["items"] if not m["universal"]] == []


@pytest.mark.parametrize(("change", "field"), [
    ({"rate": {"basis": "price", "tiers": [{"from": 0, "cost": 300}, {"from": 0, "cost": 0}]}},
     "rate.tiers"),
    ({"rate": {"basis": "fixed", "tiers": [{"from": 0, "cost": -1}]}}, "rate.tiers.0.cost"),
    ({"rate": {"basis": "fixed", "tiers": [{"from": 0, "cost": "300"}]}}, "rate.tiers.0.cost"),
    ({"rate": {"basis": "fixed", "tiers": [{"from": 0, "cost": "$10,000"}]}}, "rate.tiers.0.cost"),
    ({"rate": {"basis": "fixed", "tiers": [{"from": 0, "cost": 10000.5}]}}, "rate.tiers.0.cost"),
    ({"weight_limit_grams": {"min": 5000, "max": 1000}}, "weight_limit_grams"),
    ({"carrier": "teleport"}, "carrier"),
])
def test_a_broken_delivery_method_is_refused_and_nothing_is_written(system, api, change, field):
    seller = api.register("seller")
    shop_id, _ = open_shop(system, seller)
    path = f"/shops/{shop_id}/delivery-methods"

    refused = api.call("POST", path, seller, json={**COURIER_MOSCOW, **change})

    assert refused.status_code == 422, refused.text
    assert refused.headers["Content-Type"] == "application/problem+json"
    assert any(key.startswith(field) for key in refused.json()["errors"]), refused.json()
    assert [m for m in api.call("GET", path).json()["items"] if not m["universal"]] == []


def test_methods_of_a_shop_that_does_not_exist_are_404_for_everyone(api, admin):
    seller = api.register("seller")
    path = f"/shops/{uuid.uuid4()}/delivery-methods"

    for user in (None, seller, admin):
        listed = api.call("GET", path, user)
        assert listed.status_code == 404, listed.text
        assert listed.headers["Content-Type"] == "application/problem+json"
    for user in (seller, admin):
        for body in (COURIER_MOSCOW, {"nonsense": 1}):
            created = api.call("POST", path, user, json=body)
            assert created.status_code == 404, created.text
            patched = api.call("PATCH", f"{path}/{uuid.uuid4()}", user, json={"enabled": False})
            assert patched.status_code == 404, patched.text
    assert api.call("PATCH", f"{path}/{uuid.uuid4()}", admin,
                    json={"enabled": "no"}).status_code == 404


def test_a_quote_for_an_unknown_product_or_shop_is_404(system, api):
    seller = api.register("seller")
    shop_id, (vase, _cup) = open_shop(system, seller)
    destination = {"country": "RU", "region": "Moscow", "city": "Moscow"}
    missing = str(uuid.uuid4())

    unknown_product = api.call("POST", "/delivery/quote", json={
        "shop_id": shop_id, "destination": destination,
        "items": [{"product_id": vase, "quantity": 1}, {"product_id": missing, "quantity": 1}]})
    assert unknown_product.status_code == 404, unknown_product.text
    assert unknown_product.json()["code"] == "product_not_found"
    assert "items.1.product_id" in unknown_product.json()["detail"]
    unknown_shop = api.call("POST", "/delivery/quote", json={
        "shop_id": missing, "destination": destination,
        "items": [{"product_id": vase, "quantity": 1}]})
    assert unknown_shop.status_code == 404, unknown_shop.text
