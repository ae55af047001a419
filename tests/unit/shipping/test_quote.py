"""Quotes: enabled methods that fit, priced; free delivery, missing weights, checkout's check."""

import pytest

from services.common.money import Money
from services.shipping.domain import (
    InvalidDestination,
    InvalidParcel,
    Line,
    MethodNotAvailable,
    Unfit,
    parse_method,
    price_method,
    quote,
    universal_methods,
)

RU = {"country": "RU", "region": "Москва", "city": "Москва"}


def method(method_id="m", **overrides):
    spec = {
        "name": method_id,
        "carrier": "cdek",
        "rate": {
            "basis": "weight",
            "tiers": [{"from": 0, "cost": 20_000}, {"from": 1_001, "cost": 25_000}],
        },
    }
    spec.update(overrides)
    return parse_method(spec, method_id=method_id)


BY_QUANTITY = {
    "basis": "quantity",
    "tiers": [{"from": 1, "cost": 10_000}, {"from": 2, "cost": 15_000}],
}
BY_PRICE = {"basis": "price", "tiers": [{"from": 0, "cost": 30_000}, {"from": 300_000, "cost": 0}]}
UP_TO_3_KG = {"min": 0, "max": 3_000}


def costs(methods, lines, items_total=100_000, destination=RU):
    return [
        (q.method_id, None if q.cost is None else q.cost.amount)
        for q in quote(methods, destination, lines, items_total, "RUB")
    ]


def test_switched_off_methods_are_never_offered():
    assert costs([method("on"), method("off", enabled=False)], [Line(1, 500)]) == [("on", 20_000)]


def test_methods_are_offered_in_the_order_given():
    methods = [method("b"), method("a"), method("c")]
    assert [m for m, _ in costs(methods, [Line(1, 500)])] == ["b", "a", "c"]


def test_free_delivery_lines_add_no_weight_where_the_method_uses_free_delivery():
    lines = [Line(1, 800), Line(1, 900, free_delivery=True)]
    uses = method("uses")
    ignores = method("ignores", free_delivery_applies=False)
    assert costs([uses, ignores], lines) == [("uses", 20_000), ("ignores", 25_000)]


def test_free_delivery_lines_add_no_units_where_the_method_uses_free_delivery():
    lines = [Line(1, 100), Line(3, 100, free_delivery=True)]
    uses = method("uses", rate=BY_QUANTITY)
    ignores = method("ignores", rate=BY_QUANTITY, free_delivery_applies=False)
    assert costs([uses, ignores], lines) == [("uses", 10_000), ("ignores", 15_000)]


def test_free_delivery_lines_count_toward_the_item_total_of_a_price_rate():
    # 2500 ₽ charged + 1000 ₽ free-delivery item = 3500 ₽ of goods: "free from 3000 ₽" holds
    # whether or not the method uses free delivery.
    lines = [Line(1, 100, total=250_000), Line(1, 100, free_delivery=True, total=100_000)]
    uses = method("uses", rate=BY_PRICE)
    ignores = method("ignores", rate=BY_PRICE, free_delivery_applies=False)
    assert costs([uses, ignores], lines, items_total=350_000) == [("uses", 0), ("ignores", 0)]


def test_below_the_price_threshold_a_free_delivery_item_adds_no_cost_of_its_own():
    lines = [Line(1, 100, total=150_000), Line(1, 100, free_delivery=True, total=100_000)]
    uses = method("uses", rate=BY_PRICE)
    assert costs([uses], lines, items_total=250_000) == [("uses", 30_000)]


def test_when_every_line_has_free_delivery_methods_that_use_it_cost_nothing():
    lines = [Line(2, 700, free_delivery=True, total=50_000)]
    methods = [
        method("weight"),
        method("quantity", rate=BY_QUANTITY),
        method("price", rate=BY_PRICE),
        method("ignores", free_delivery_applies=False),
    ]
    assert costs(methods, lines, items_total=50_000) == [
        ("weight", 0),
        ("quantity", 0),
        ("price", 0),
        ("ignores", 25_000),
    ]


def test_when_every_line_has_free_delivery_universal_methods_cost_nothing_too():
    lines = [Line(1, 700, free_delivery=True)]
    assert [cost for _, cost in costs(universal_methods("shop"), lines)] == [0, 0, 0, 0]


def test_weight_limits_apply_to_the_real_weight_including_free_delivery_lines():
    lines = [Line(1, 1_000), Line(1, 2_500, free_delivery=True)]
    assert costs([method("small", weight_limit_grams=UP_TO_3_KG)], lines) == []
    assert costs([method("small", weight_limit_grams={"min": 0, "max": 3_500})], lines) == [
        ("small", 20_000)
    ]


def test_weight_limits_are_inclusive_at_both_ends():
    heavy = method("heavy", weight_limit_grams={"min": 20_000, "max": 100_000})
    assert costs([heavy], [Line(1, 19_999)]) == []
    assert costs([heavy], [Line(1, 20_000)]) == [("heavy", 25_000)]
    assert costs([heavy], [Line(4, 25_000)]) == [("heavy", 25_000)]
    assert costs([heavy], [Line(1, 100_001)]) == []


def test_methods_outside_their_destinations_are_not_offered():
    by_kz = method("by_kz", destinations=[{"country": "BY"}, {"country": "KZ"}])
    assert costs([by_kz], [Line(1, 100)]) == []
    assert costs([by_kz], [Line(1, 100)], destination={"country": "BY"}) == [("by_kz", 20_000)]


def test_a_product_without_weight_hides_methods_that_need_weight_but_not_the_others():
    lines = [Line(1, 500), Line(1, None)]
    methods = [
        method("weight_rate"),
        method("limited", rate=BY_PRICE, weight_limit_grams=UP_TO_3_KG),
        method("price_only", rate=BY_PRICE),
        method("open_limit", rate=BY_QUANTITY, weight_limit_grams={"min": 0}),
    ]
    assert costs(methods, lines) == [("price_only", 30_000), ("open_limit", 15_000)]


def test_a_free_delivery_product_without_weight_counts_as_weightless():
    lines = [Line(1, 500), Line(1, None, free_delivery=True)]
    methods = [method("uses"), method("ignores", free_delivery_applies=False)]
    assert costs(methods, lines) == [("uses", 20_000), ("ignores", 20_000)]


def test_the_item_total_may_be_given_as_money_in_the_same_currency():
    quoted = quote([method(rate=BY_PRICE)], RU, [Line(1, 100)], Money(300_000, "RUB"), "RUB")
    assert quoted[0].cost == Money(0, "RUB")
    with pytest.raises(InvalidParcel) as caught:
        quote([method()], RU, [Line(1, 100)], Money(300_000, "EUR"), "RUB")
    assert caught.value.errors == {"items_total": "Must be in RUB."}


def test_lines_may_be_given_as_mappings():
    lines = [{"quantity": 2, "weight_grams": 600, "free_delivery": False, "total": 1_000}]
    assert costs([method()], lines) == [("m", 25_000)]


def test_an_order_without_lines_cannot_be_quoted():
    with pytest.raises(InvalidParcel) as caught:
        quote([method()], RU, [], 0, "RUB")
    assert caught.value.code == "invalid_parcel"
    assert caught.value.errors == {"lines": "There is nothing to deliver."}


def test_bad_lines_are_named_one_by_one():
    lines = [
        {"quantity": 0, "weight_grams": 10},
        {"quantity": 1, "weight_grams": -1, "free_delivery": "no", "total": 1.5},
        "two kilos",
    ]
    with pytest.raises(InvalidParcel) as caught:
        quote([method()], RU, lines, -1, "rub")
    assert caught.value.errors == {
        "currency": "Must be an ISO 4217 code, e.g. RUB.",
        "items_total": "Must be a whole, non-negative number of minor units.",
        "lines.0.quantity": "Must be a whole number of at least 1.",
        "lines.1.weight_grams": "Must be a whole, non-negative number of grams.",
        "lines.1.free_delivery": "Must be true or false.",
        "lines.1.total": "Must be a whole, non-negative number of minor units.",
        "lines.2": "Must be an object {quantity, weight_grams, free_delivery, total}.",
    }


def test_a_quote_needs_a_destination_country():
    with pytest.raises(InvalidDestination):
        quote([method()], {"region": "Москва"}, [Line(1, 100)], 100, "RUB")


def test_checkout_prices_the_chosen_method():
    chosen = price_method(method(delivery_days=4), RU, [Line(2, 600)], 100_000, "RUB")
    assert (chosen.method_id, chosen.cost, chosen.delivery_days) == (
        "m",
        Money(25_000, "RUB"),
        4,
    )


@pytest.mark.parametrize(
    ("chosen", "lines", "reason", "message"),
    [
        (
            method(enabled=False),
            [Line(1, 100)],
            Unfit.DISABLED,
            "The shop has switched this delivery method off.",
        ),
        (
            method(destinations=[{"country": "KZ"}]),
            [Line(1, 100)],
            Unfit.DESTINATION,
            "This delivery method does not deliver to that address.",
        ),
        (
            method(weight_limit_grams=UP_TO_3_KG),
            [Line(1, 3_001)],
            Unfit.WEIGHT_LIMIT,
            "The parcel's weight is outside this delivery method's limits.",
        ),
        (
            method(),
            [Line(1, None)],
            Unfit.WEIGHT_UNKNOWN,
            "A product in the order has no weight, which this method needs.",
        ),
    ],
)
def test_checkout_refuses_a_method_that_does_not_fit_and_says_why(chosen, lines, reason, message):
    with pytest.raises(MethodNotAvailable) as caught:
        price_method(chosen, RU, lines, 100_000, "RUB")
    assert caught.value.reason is reason
    assert caught.value.code == "delivery_method_not_available"
    assert caught.value.detail == message
    assert caught.value.errors == {"delivery_method_id": message}


def test_a_pickup_is_quoted_with_its_address_and_hours_whatever_the_parcel():
    pickup = parse_method({"name": "Pickup", "carrier": "pickup",
                           "pickup": {"address": "Moscow, Tverskaya 1", "hours": "Mon–Fri"}},
                          method_id="pickup")
    [quoted] = quote([pickup], RU, [Line(3, None, total=900_000)], 900_000, "RUB")

    assert quoted.to_dict() == {
        "id": "pickup", "name": "Pickup", "carrier": "pickup",
        "cost": {"amount": 0, "currency": "RUB"}, "delivery_days": None,
        "pickup": {"address": "Moscow, Tverskaya 1", "hours": "Mon–Fri"}}
