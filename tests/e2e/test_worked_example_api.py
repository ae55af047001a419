"""Seed 003's worked example through the API: a shop sets up its six delivery methods over HTTP,
lists products with their weights in the catalog, and buyers' quotes offer exactly the methods that
fit, priced from the rate tables (the figures of `tests/unit/shipping/worked_example.py`)."""

from __future__ import annotations

import pytest

from tests.support.api import Api
from tests.unit.shipping.worked_example import SPECS

pytestmark = pytest.mark.integration

MOSCOW = {"country": "RU", "region": "Москва", "city": "Москва"}
MURMANSK = {"country": "RU", "region": "Мурманская область", "city": "Мурманск"}
KAZAKHSTAN = {"country": "KZ", "region": "Алматинская область", "city": "Алматы"}

# title, price (kopecks), weight (grams)
GOODS = {
    "kitchen": ("Kitchen set in oak", 15_000_000, 45_000),
    "vase": ("Tall vase with a glaze", 350_000, 2_000),
    "bowls": ("Set of six bowls", 200_000, 2_500),
    "teapot": ("Cast iron teapot", 200_000, 4_000),
}


@pytest.fixture(scope="module")
def shop(system):
    system.start("catalog")
    system.start("shipping")
    api = Api(system.gateway())
    seller = api.register("seller")
    shop = api.call("POST", "/shops", seller, json={"name": "Home and kitchen",
                                                     "currency": "RUB"})
    assert shop.status_code == 201, shop.text
    shop_id = shop.json()["id"]
    products = {}
    for key, (title, price, weight) in GOODS.items():
        created = api.call("POST", f"/shops/{shop_id}/products", seller, json={
            "title": title, "description": "Made by hand.", "category": "ceramics",
            "price": price, "weight_grams": weight, "stock": {"mode": "untracked"}})
        assert created.status_code == 201, created.text
        products[key] = created.json()["id"]
    path = f"/shops/{shop_id}/delivery-methods"
    names = {}
    for spec in SPECS.values():
        created = api.call("POST", path, seller, json=spec)
        assert created.status_code == 201, created.text
        names[created.json()["name"]] = created.json()["id"]
    for method in api.call("GET", path).json()["items"]:
        if method["universal"]:
            assert api.call("PATCH", f"{path}/{method['id']}", seller,
                            json={"enabled": False}).status_code == 200
    yield api, shop_id, products
    api.close()


def offered(shop, product: str, destination: dict) -> list[tuple[str, int]]:
    api, shop_id, products = shop
    response = api.call("POST", "/delivery/quote", json={
        "shop_id": shop_id, "destination": destination,
        "items": [{"product_id": products[product], "quantity": 1}]})
    assert response.status_code == 200, response.text
    return [(m["name"], m["cost"]["amount"]) for m in response.json()["methods"]]


def test_a_kitchen_of_45_kg_sees_only_pek(shop):
    assert offered(shop, "kitchen", MOSCOW) == [("PEK", 250_000)]


def test_a_2_kg_vase_to_moscow_over_3000_rub_rides_free_with_the_courier(shop):
    assert offered(shop, "vase", MOSCOW) == [
        ("Russian Post across Russia", 25_000),
        ("Courier (Moscow and Moscow region)", 0),
        ("CDEK pickup point across Russia", 40_000),
    ]


def test_a_2_5_kg_parcel_to_the_north_sees_the_northern_method(shop):
    assert offered(shop, "bowls", MURMANSK) == [
        ("Russian Post across Russia", 30_000),
        ("CDEK pickup point across Russia", 40_000),
        ("CDEK pickup point (northern regions)", 100_000),
    ]


def test_a_4_kg_parcel_to_the_north_does_not(shop):
    assert offered(shop, "teapot", MURMANSK) == [
        ("Russian Post across Russia", 35_000),
        ("CDEK pickup point across Russia", 55_000),
    ]


def test_a_parcel_to_kazakhstan_sees_only_cdek_belarus_kazakhstan(shop):
    assert offered(shop, "vase", KAZAKHSTAN) == [("CDEK pickup point (Belarus, Kazakhstan)",
                                                  90_000)]
