"""A seller's own delivery methods: read from the API's shape, every broken field named."""

import pytest

from services.common.errors import Invalid
from services.shipping.domain import (
    Basis,
    Carrier,
    DestinationRule,
    InvalidDeliveryMethod,
    Rate,
    Tier,
    UniversalMethodLocked,
    WeightLimit,
    parse_method,
    patch_method,
    universal_methods,
)

COURIER = {
    "name": "  Courier   (Moscow) ",
    "carrier": "courier",
    "destinations": [{"country": "ru", "region": " Москва "}],
    "weight_limit_grams": {"min": 0, "max": 19_000},
    "rate": {
        "basis": "price",
        "tiers": [{"from": 0, "cost": 30_000}, {"from": 300_000, "cost": 0}],
    },
    "delivery_days": 2,
}


def refusal(data):
    with pytest.raises(InvalidDeliveryMethod) as caught:
        parse_method(data, method_id="m1")
    return caught.value


def test_a_method_is_read_with_names_and_places_trimmed_and_defaults_filled():
    method = parse_method(COURIER, method_id="m1")
    assert method.id == "m1"
    assert method.name == "Courier (Moscow)"
    assert method.carrier is Carrier.COURIER
    assert method.destinations == (DestinationRule("RU", "Москва", None),)
    assert method.weight_limit == WeightLimit(0, 19_000)
    assert method.rate == Rate(Basis.PRICE, tiers=(Tier(0, 30_000), Tier(300_000, 0)))
    assert method.free_delivery_applies is True
    assert method.enabled is True
    assert method.universal is False
    assert method.delivery_days == 2


def test_a_method_is_written_back_in_the_api_shape():
    assert parse_method(COURIER, method_id="m1").to_dict() == {
        "id": "m1",
        "name": "Courier (Moscow)",
        "carrier": "courier",
        "destinations": [{"country": "RU", "region": "Москва"}],
        "weight_limit_grams": {"min": 0, "max": 19_000},
        "free_delivery_applies": True,
        "rate": {
            "basis": "price",
            "tiers": [{"from": 0, "cost": 30_000}, {"from": 300_000, "cost": 0}],
        },
        "delivery_days": 2,
        "enabled": True,
        "universal": False,
    }


def test_a_minimal_method_applies_everywhere_without_weight_limits():
    method = parse_method(
        {
            "name": "Post",
            "carrier": "russian_post",
            "rate": {"basis": "fixed", "tiers": [{"from": 0, "cost": 25_000}]},
        },
        method_id="m2",
    )
    assert method.destinations == ()
    assert method.weight_limit is None
    assert method.delivery_days is None
    assert method.depends_on_weight is False


def test_an_unknown_carrier_is_refused():
    error = refusal({**COURIER, "carrier": "dhl"})
    assert error.code == "invalid_delivery_method"
    assert isinstance(error, Invalid)
    assert error.errors == {
        "carrier": "Unknown carrier; use one of russian_post, cdek, courier, pek, boxberry, other, pickup."
    }


def test_every_broken_field_is_named_at_once():
    error = refusal(
        {
            "name": " ",
            "carrier": "cdek",
            "destinations": [{"country": "Russia"}, "Moscow", {"country": "BY", "city": 5}],
            "weight_limit_grams": {"min": 5_000, "max": 3_000},
            "free_delivery_applies": "yes",
            "rate": {"basis": "weight", "tiers": [{"from": 1, "cost": 100}]},
            "delivery_days": -1,
            "enabled": 1,
        }
    )
    assert error.detail == "The delivery method is not valid."
    assert error.errors == {
        "name": 'Give the method a name, e.g. "Russian Post across Russia".',
        "destinations.0.country": "Must be an ISO 3166-1 alpha-2 country code, e.g. RU.",
        "destinations.1": "Must be an object {country, region?, city?}.",
        "destinations.2.city": "Must be text.",
        "weight_limit_grams.max": "Must not be less than min (5000).",
        "free_delivery_applies": "Must be true or false.",
        "rate.tiers.0.from": "The first tier must start at 0.",
        "delivery_days": "Must be a whole number of days from 0 to 365.",
        "enabled": "Must be true or false.",
    }


def test_a_method_needs_a_rate():
    assert refusal({**COURIER, "rate": None}).errors == {
        "rate": "Give a rate {basis, tiers}; e.g. fixed: [{from: 0, cost: 30000}]."
    }


@pytest.mark.parametrize(
    ("limit", "errors"),
    [
        ({"min": -1, "max": 10}, {"weight_limit_grams.min": "Must not be negative."}),
        ({"min": 0, "max": -10}, {"weight_limit_grams.max": "Must not be negative."}),
        (
            {"min": 1.5, "max": 10},
            {"weight_limit_grams.min": "Must be a whole number of grams, e.g. 19000."},
        ),
        ({"min": 11, "max": 10}, {"weight_limit_grams.max": "Must not be less than min (11)."}),
        ("20kg", {"weight_limit_grams": "Must be an object {min, max} in grams."}),
    ],
)
def test_weight_limits_are_non_negative_grams_with_min_not_above_max(limit, errors):
    assert refusal({**COURIER, "weight_limit_grams": limit}).errors == errors


def test_a_weight_limit_may_leave_out_either_bound():
    only_max = parse_method({**COURIER, "weight_limit_grams": {"max": 3_000}}, method_id="m")
    assert only_max.weight_limit == WeightLimit(0, 3_000)
    only_min = parse_method({**COURIER, "weight_limit_grams": {"min": 20_000}}, method_id="m")
    assert only_min.weight_limit == WeightLimit(20_000, None)
    equal = parse_method({**COURIER, "weight_limit_grams": {"min": 500, "max": 500}}, method_id="m")
    assert equal.weight_limit.allows(500) and not equal.weight_limit.allows(501)


def test_a_name_longer_than_100_characters_is_refused():
    assert refusal({**COURIER, "name": "x" * 101}).errors == {
        "name": "Must be at most 100 characters."
    }


def test_a_patch_changes_only_what_it_names_and_is_checked_again():
    method = parse_method(COURIER, method_id="m1")
    patched = patch_method(method, {"enabled": False, "delivery_days": 3})
    assert (patched.enabled, patched.delivery_days) == (False, 3)
    assert patched.rate == method.rate and patched.destinations == method.destinations
    with pytest.raises(InvalidDeliveryMethod) as caught:
        patch_method(method, {"rate": {"basis": "fixed", "tiers": []}})
    assert caught.value.errors == {
        "rate.tiers": "Give at least one tier {from, cost}; the first starts at 0."
    }


def test_a_patch_with_null_resets_an_optional_field():
    method = parse_method(COURIER, method_id="m1")
    patched = patch_method(method, {"destinations": None, "weight_limit_grams": None})
    assert patched.destinations == () and patched.weight_limit is None


def test_a_patch_refuses_read_only_and_unknown_fields():
    method = parse_method(COURIER, method_id="m1")
    with pytest.raises(InvalidDeliveryMethod) as caught:
        patch_method(method, {"id": "other", "enable": False})
    assert caught.value.errors == {
        "enable": "Unknown or read-only field.",
        "id": "Unknown or read-only field.",
    }


def test_a_universal_method_can_be_switched_off_and_on_but_not_otherwise_changed():
    post = universal_methods("shop-1")[0]
    off = patch_method(post, {"enabled": False})
    assert off.enabled is False and off.id == post.id and off.universal is True
    assert patch_method(off, {"enabled": True}).enabled is True
    with pytest.raises(UniversalMethodLocked) as caught:
        patch_method(post, {"enabled": False, "name": "My post"})
    assert caught.value.code == "universal_method_locked"
    assert caught.value.errors == {"name": "Fixed for universal methods; only enabled can change."}
    with pytest.raises(InvalidDeliveryMethod):
        patch_method(post, {"enabled": "no"})


# Pickup ---------------------------------------------------------------------------------------
PICKUP = {"name": "Pickup at the studio", "carrier": "pickup",
          "pickup": {"address": " Moscow,  Tverskaya 1 ", "hours": "Mon–Fri 10:00–19:00"}}


def test_a_pickup_carries_the_shops_address_and_hours_and_costs_nothing_by_default():
    method = parse_method(PICKUP, method_id="p1")

    assert method.carrier is Carrier.PICKUP
    assert method.rate == Rate(Basis.FIXED, tiers=(Tier(0, 0),))
    assert method.to_dict()["pickup"] == {"address": "Moscow, Tverskaya 1",
                                          "hours": "Mon–Fri 10:00–19:00"}
    assert method.weight_limit is None and not method.depends_on_weight
    priced = parse_method({**PICKUP, "rate": {"basis": "fixed", "tiers": [{"from": 0,
                                                                          "cost": 10_000}]}},
                          method_id="p2")
    assert priced.rate.tiers == (Tier(0, 10_000),)


@pytest.mark.parametrize(("change", "errors"), [
    ({"pickup": None}, {"pickup": "A pickup method needs the shop's {address, hours}."}),
    ({"pickup": {"address": " ", "hours": 9}},
     {"pickup.address": 'Required for a pickup, e.g. "Moscow, Tverskaya 1, studio 5".',
      "pickup.hours": 'Required for a pickup, e.g. "Mon–Fri 10:00–19:00".'}),
    ({"rate": {"basis": "weight", "tiers": [{"from": 0, "cost": 100}]}},
     {"rate.basis": "A pickup has a fixed cost: 0 or an amount."}),
])
def test_a_pickup_needs_its_address_and_hours_and_a_fixed_cost(change, errors):
    assert refusal({**PICKUP, **change}).errors == errors


def test_only_a_pickup_has_a_pickup_address():
    assert refusal({**COURIER, "pickup": PICKUP["pickup"]}).errors == {
        "pickup": "Only a pickup method (carrier pickup) has a pickup address."}
    assert "pickup" not in parse_method(COURIER, method_id="m1").to_dict()


def test_a_pickup_changed_to_another_carrier_leaves_its_address():
    pickup = parse_method(PICKUP, method_id="p1")
    courier = patch_method(pickup, {"carrier": "courier"})
    assert courier.carrier is Carrier.COURIER and courier.pickup is None
    moved = patch_method(pickup, {"pickup": {"address": "Tula, Lenina 2", "hours": "Sat 12–16"}})
    assert moved.to_dict()["pickup"] == {"address": "Tula, Lenina 2", "hours": "Sat 12–16"}
