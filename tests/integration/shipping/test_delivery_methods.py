"""Delivery methods over RPC: seed 003's worked example end to end, and refusals that write nothing."""

from __future__ import annotations

import uuid

import pytest

from gateway.rpc.errors import RemoteError
from tests.unit.shipping.worked_example import (
    CDEK,
    CDEK_BY_KZ,
    COURIER,
    NORTH,
    PEK,
    RUSSIAN_POST,
    SPECS,
)

pytestmark = pytest.mark.integration


def new_id() -> str:
    return str(uuid.uuid4())


MOSCOW = {"country": "RU", "region": "Москва", "city": "Москва"}
MURMANSK = {"country": "RU", "region": "Мурманская область", "city": "Мурманск"}
KAZAKHSTAN = {"country": "KZ", "region": "Алматы", "city": "Алматы"}
UNIVERSAL = ["Russian Post", "CDEK pickup point", "Courier", "Other"]
COURIER_TO_MOSCOW = {
    "name": "Courier",
    "carrier": "courier",
    "destinations": [{"country": "RU", "region": "Москва"}],
    "rate": {"basis": "fixed", "tiers": [{"from": 0, "cost": 30_000}]},
}


def parcel(grams: int, items_total: int) -> dict:
    line = {"product_id": new_id(), "quantity": 1, "weight_grams": grams, "total": items_total}
    return {"lines": [line], "items_total": items_total, "currency": "RUB"}


@pytest.fixture(scope="module")
def worked_shop(shipping):
    """Seed 003's shop: the six methods created by RPC, the four universal ones switched off."""
    seller, shop_id = shipping.open_shop()
    ids = {name: seller.create_method(shop_id, spec)["id"] for name, spec in SPECS.items()}
    for method in seller.list_methods(shop_id)["items"]:
        if method["universal"]:
            assert seller.patch_method(shop_id, method["id"], {"enabled": False})["enabled"] is False
    return shop_id, ids


def offered(shipping, worked_shop, destination, grams, items_total):
    shop_id, ids = worked_shop
    names = {method_id: name for name, method_id in ids.items()}
    answer = shipping.anyone().quote(shop_id, destination, **parcel(grams, items_total))
    return [
        (names.get(m["id"], m["name"]), None if m["cost"] is None else m["cost"]["amount"])
        for m in answer["methods"]
    ]


def refused(call, *args, **kwargs) -> RemoteError:
    with pytest.raises(RemoteError) as caught:
        call(*args, **kwargs)
    return caught.value


def test_the_worked_example_offers_only_the_methods_that_fit_priced(shipping, worked_shop):
    def quote(destination, grams, items_total):
        return offered(shipping, worked_shop, destination, grams, items_total)

    assert quote(MOSCOW, 45_000, 15_000_000) == [(PEK, 250_000)]
    assert quote(MOSCOW, 2_000, 350_000) == [(RUSSIAN_POST, 25_000), (COURIER, 0), (CDEK, 40_000)]
    assert quote(MURMANSK, 2_500, 200_000) == [
        (RUSSIAN_POST, 30_000),
        (CDEK, 40_000),
        (NORTH, 100_000),
    ]
    assert quote(MURMANSK, 4_000, 200_000) == [(RUSSIAN_POST, 35_000), (CDEK, 55_000)]
    assert quote(KAZAKHSTAN, 2_000, 350_000) == [(CDEK_BY_KZ, 90_000)]


def test_a_quote_names_each_method_with_its_cost_in_the_currency_and_its_days(
    shipping, worked_shop
):
    shop_id, ids = worked_shop
    answer = shipping.anyone().quote(shop_id, KAZAKHSTAN, **parcel(2_000, 350_000))
    assert answer == {
        "methods": [
            {
                "id": ids[CDEK_BY_KZ],
                "name": "CDEK pickup point (Belarus, Kazakhstan)",
                "carrier": "cdek",
                "cost": {"amount": 90_000, "currency": "RUB"},
                "delivery_days": 12,
            }
        ]
    }


def test_the_shop_lists_its_own_methods_then_the_four_universal_ones(shipping, worked_shop):
    shop_id, ids = worked_shop
    items = shipping.anyone().list_methods(shop_id)["items"]
    assert [m["id"] for m in items[:6]] == [ids[name] for name in SPECS]
    own = items[0]
    assert own["universal"] is False and own["enabled"] is True and "cost" not in own
    assert own["weight_limit_grams"] == {"min": 20_000, "max": 100_000}
    assert own["rate"] == SPECS[PEK]["rate"]
    assert [(m["name"], m["universal"], m["enabled"], m["cost"]) for m in items[6:]] == [
        (name, True, False, None) for name in UNIVERSAL
    ]


def test_checkout_prices_the_chosen_method_or_refuses_one_that_does_not_fit(
    shipping, worked_shop
):
    shop_id, ids = worked_shop
    anyone = shipping.anyone()
    courier = anyone.price_for_checkout(shop_id, ids[COURIER], MOSCOW, **parcel(2_000, 350_000))
    assert courier["cost"] == {"amount": 0, "currency": "RUB"}

    too_heavy = refused(
        anyone.price_for_checkout, shop_id, ids[NORTH], MURMANSK, **parcel(4_000, 200_000)
    )
    assert (too_heavy.exc_type, too_heavy.code) == ("Invalid", "delivery_method_not_available")
    assert too_heavy.errors == {
        "delivery_method_id": ["The parcel's weight is outside this delivery method's limits."]
    }
    unknown = refused(anyone.price_for_checkout, shop_id, new_id(), MOSCOW, **parcel(2_000, 1))
    assert (unknown.exc_type, unknown.code) == ("Invalid", "unknown_delivery_method")


def test_a_universal_method_switched_back_on_is_offered_for_the_seller_to_quote(shipping):
    seller, shop_id = shipping.open_shop()
    methods = seller.list_methods(shop_id)["items"]
    assert [(m["name"], m["enabled"]) for m in methods] == [(name, True) for name in UNIVERSAL]
    for method in methods[:3]:
        seller.patch_method(shop_id, method["id"], {"enabled": False})
    other = methods[3]["id"]

    answer = shipping.anyone().quote(shop_id, KAZAKHSTAN, **parcel(2_000, 350_000))
    assert answer["methods"] == [
        {"id": other, "name": "Other", "carrier": "other", "cost": None, "delivery_days": None}
    ]
    priced = shipping.anyone().price_for_checkout(shop_id, other, MOSCOW, **parcel(500, 100))
    assert priced["cost"] is None

    locked = refused(seller.patch_method, shop_id, other, {"name": "Anything"})
    assert (locked.exc_type, locked.code) == ("Invalid", "universal_method_locked")
    assert [m["name"] for m in seller.list_methods(shop_id)["items"]] == UNIVERSAL


@pytest.mark.parametrize(
    "change, errors",
    [
        (
            {"rate": {"basis": "weight", "tiers": [{"from": 0, "cost": 100}, {"from": 0, "cost": 200}]}},
            {"rate.tiers.1.from": ["Must be greater than the previous tier's from (0): "
                                   "list tiers in increasing order, each once."]},
        ),
        (
            {"rate": {"basis": "price", "tiers": [{"from": 0, "cost": 1}, {"from": 5000, "cost": 2},
                                                  {"from": 3000, "cost": 3}]}},
            {"rate.tiers.2.from": ["Must be greater than the previous tier's from (5000): "
                                   "list tiers in increasing order, each once."]},
        ),
        (
            {"rate": {"basis": "fixed", "tiers": [{"from": 0, "cost": -100}]}},
            {"rate.tiers.0.cost": ["Must be greater than or equal to 0."]},
        ),
        (
            {"rate": {"basis": "fixed", "tiers": [{"from": 0, "cost": "30000"}]}},
            {"rate.tiers.0.cost": ["Must be an integer (minor units), e.g. 100000 for 1000.00."]},
        ),
        (
            {"weight_limit_grams": {"min": 20_000, "max": 19_000}},
            {"weight_limit_grams.max": ["Must not be less than min (20000)."]},
        ),
        (
            {"carrier": "dhl"},
            {"carrier": ["Unknown carrier; use one of russian_post, cdek, courier, pek, boxberry, "
                         "other, pickup."]},
        ),
        ({"colour": "red"}, {"colour": ["Unknown field."]}),
    ],
    ids=["overlapping tiers", "unordered tiers", "negative cost", "cost as text",
         "min weight above max", "unknown carrier", "unknown field"],
)
def test_an_invalid_method_is_refused_per_field_and_nothing_is_written(shipping, change, errors):
    seller, shop_id = shipping.open_shop()
    error = refused(seller.create_method, shop_id, {**COURIER_TO_MOSCOW, **change})
    assert error.exc_type == "Invalid"
    assert error.errors == errors
    assert [m["name"] for m in seller.list_methods(shop_id)["items"]] == UNIVERSAL


def test_every_broken_field_is_named_at_once(shipping):
    seller, shop_id = shipping.open_shop()
    body = {
        "name": " ",
        "carrier": "courier",
        "destinations": [{"country": "Russia"}],
        "rate": {"basis": "weight", "tiers": [{"from": 100, "cost": 1}]},
        "delivery_days": 1000,
    }
    error = refused(seller.create_method, shop_id, body)
    assert (error.exc_type, error.code) == ("Invalid", "invalid_delivery_method")
    assert sorted(error.errors) == [
        "delivery_days", "destinations.0.country", "name", "rate.tiers.0.from"
    ]


def test_a_change_that_breaks_a_method_is_refused_and_the_method_stays_as_it_was(shipping):
    seller, shop_id = shipping.open_shop()
    method = seller.create_method(shop_id, COURIER_TO_MOSCOW)
    bad = {"rate": {"basis": "weight", "tiers": [{"from": 0, "cost": 1}, {"from": 0, "cost": 2}]}}
    error = refused(seller.patch_method, shop_id, method["id"], bad)
    assert error.code == "invalid_delivery_method"
    assert seller.get_method(shop_id, method["id"]) == method

    changed = seller.patch_method(shop_id, method["id"], {"enabled": False, "delivery_days": 1})
    assert (changed["enabled"], changed["delivery_days"]) == (False, 1)
    assert seller.get_method(shop_id, method["id"]) == changed
    answer = shipping.anyone().quote(shop_id, MOSCOW, **parcel(1_000, 10_000))
    assert method["id"] not in [m["id"] for m in answer["methods"]]


def test_a_method_of_another_shop_is_not_found(shipping):
    seller, shop_id = shipping.open_shop()
    _, other_shop = shipping.open_shop()
    method = seller.create_method(shop_id, COURIER_TO_MOSCOW)
    error = refused(shipping.admin().patch_method, other_shop, method["id"], {"enabled": False})
    assert (error.exc_type, error.code) == ("NotFound", "delivery_method_not_found")


def test_a_seller_of_another_shop_cannot_change_its_methods_over_rpc(shipping):
    """Straight to the service, past the gateway: the service itself refuses a stranger, before
    it looks at the body."""
    owner, shop_a = shipping.open_shop()
    stranger, _shop_b = shipping.open_shop()
    method = owner.create_method(shop_a, COURIER_TO_MOSCOW)
    universal = owner.list_methods(shop_a)["items"][-1]

    for body in (COURIER_TO_MOSCOW, {"nonsense": 1}, None):
        error = refused(stranger.create_method, shop_a, body)
        assert (error.exc_type, error.code) == ("Forbidden", "not_shop_owner")
    for method_id in (method["id"], universal["id"]):
        error = refused(stranger.patch_method, shop_a, method_id, {"enabled": False})
        assert (error.exc_type, error.code) == ("Forbidden", "not_shop_owner")
    assert owner.list_methods(shop_a)["items"] == [method] + owner.list_methods(shop_a)["items"][1:]
    assert all(m["enabled"] for m in owner.list_methods(shop_a)["items"])

    admin = shipping.admin()
    assert admin.patch_method(shop_a, method["id"], {"enabled": False})["enabled"] is False


def test_only_a_seller_or_an_admin_may_change_delivery_methods(shipping):
    _owner, shop_id = shipping.open_shop()
    for caller in (shipping.buyer(), shipping.anyone()):
        error = refused(caller.create_method, shop_id, COURIER_TO_MOSCOW)
        assert (error.exc_type, error.code) == ("Forbidden", "wrong_role")
    assert [m["name"] for m in shipping.anyone().list_methods(shop_id)["items"]] == UNIVERSAL


def test_a_quote_for_a_malformed_order_names_each_bad_field(shipping):
    shop_id = new_id()
    error = refused(
        shipping.anyone().quote,
        shop_id,
        {"region": "Москва"},
        [{"quantity": 0, "weight_grams": -1}, {"quantity": 1.5}],
        "100",
        "RUB",
    )
    assert error.exc_type == "Invalid"
    assert sorted(error.errors) == [
        "destination.country",
        "items_total",
        "lines.0.quantity",
        "lines.0.weight_grams",
        "lines.1.quantity",
    ]
