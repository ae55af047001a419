"""The four universal methods every shop has: stable ids, cost quoted by the seller."""

import uuid

from services.shipping.domain import (
    Carrier,
    Line,
    quote,
    universal_key,
    universal_method_id,
    universal_methods,
)


def test_every_shop_has_russian_post_cdek_pickup_courier_and_other_all_enabled():
    methods = universal_methods("shop-1")
    assert [(m.name, m.carrier, m.enabled, m.universal, m.rate) for m in methods] == [
        ("Russian Post", Carrier.RUSSIAN_POST, True, True, None),
        ("CDEK pickup point", Carrier.CDEK, True, True, None),
        ("Courier", Carrier.COURIER, True, True, None),
        ("Other", Carrier.OTHER, True, True, None),
    ]


def test_universal_ids_are_stable_per_shop_and_differ_between_shops():
    first = [m.id for m in universal_methods("shop-1")]
    assert first == [m.id for m in universal_methods("shop-1")]
    assert set(first).isdisjoint(m.id for m in universal_methods("shop-2"))
    assert len(set(first)) == 4
    assert uuid.UUID(first[0]).version == 5


def test_a_shop_id_given_as_a_uuid_or_its_text_gives_the_same_ids():
    shop = uuid.UUID("5f0c2a58-3c1e-4a53-9a1e-0d6c0b6a2c11")
    assert universal_method_id(shop, "other") == universal_method_id(str(shop).upper(), "other")


def test_disabled_ids_switch_universal_methods_off():
    courier = universal_method_id("shop-1", "courier")
    methods = universal_methods("shop-1", {courier})
    assert [(m.name, m.enabled) for m in methods] == [
        ("Russian Post", True),
        ("CDEK pickup point", True),
        ("Courier", False),
        ("Other", True),
    ]


def test_a_method_id_tells_which_universal_method_it_is():
    assert universal_key("shop-1", universal_method_id("shop-1", "cdek_pickup")) == "cdek_pickup"
    assert universal_key("shop-2", universal_method_id("shop-1", "cdek_pickup")) is None
    assert universal_key("shop-1", "some-own-method") is None


def test_universal_methods_ignore_destination_and_weight_and_leave_the_cost_to_the_seller():
    quoted = quote(
        universal_methods("shop-1"),
        {"country": "US", "region": "Alaska"},
        [Line(quantity=2, weight_grams=300_000)],
        10_000,
        "RUB",
    )
    assert [(q.name, q.cost, q.universal) for q in quoted] == [
        ("Russian Post", None, True),
        ("CDEK pickup point", None, True),
        ("Courier", None, True),
        ("Other", None, True),
    ]


def test_universal_methods_are_offered_even_when_a_product_has_no_weight():
    quoted = quote(universal_methods("shop-1"), {"country": "RU"}, [Line(1, None)], 100, "RUB")
    assert len(quoted) == 4


def test_a_universal_method_is_listed_with_no_rate_and_a_cost_left_to_the_seller():
    post = universal_methods("shop-1")[0]
    assert post.to_dict() == {
        "id": universal_method_id("shop-1", "russian_post"),
        "name": "Russian Post",
        "carrier": "russian_post",
        "destinations": [],
        "weight_limit_grams": None,
        "free_delivery_applies": True,
        "rate": None,
        "delivery_days": None,
        "enabled": True,
        "universal": True,
        "cost": None,
    }
