"""Rate tables: each tier applies from its `from` upward until the next one."""

import pytest

from services.common.money import Money
from services.shipping.domain import Basis, Measures, Rate, Tier, parse_rate, tier_cost
from services.shipping.domain.errors import ErrorCollector


def rate(data):
    errors = ErrorCollector()
    parsed = parse_rate(data, errors)
    assert errors.errors == {}
    return parsed


def rate_errors(data):
    errors = ErrorCollector()
    assert parse_rate(data, errors) is None
    return errors.errors


def cost(data, items_total=0, weight_grams=0, quantity=1):
    return rate(data).cost(Measures(items_total, weight_grams, quantity), "RUB")


BY_PRICE = {"basis": "price", "tiers": [{"from": 0, "cost": 30_000}, {"from": 300_000, "cost": 0}]}
BY_WEIGHT = {
    "basis": "weight",
    "tiers": [{"from": 0, "cost": 20_000}, {"from": 1_001, "cost": 25_000}],
}
BY_QUANTITY = {
    "basis": "quantity",
    "tiers": [{"from": 1, "cost": 10_000}, {"from": 2, "cost": 15_000}, {"from": 5, "cost": 0}],
}


def test_a_fixed_rate_costs_the_same_for_any_order():
    fixed = {"basis": "fixed", "tiers": [{"from": 0, "cost": 30_000}]}
    assert cost(fixed, items_total=1, weight_grams=0, quantity=1) == Money(30_000, "RUB")
    assert cost(fixed, items_total=10**9, weight_grams=90_000, quantity=40) == Money(30_000, "RUB")


@pytest.mark.parametrize(
    ("items_total", "expected"),
    [(0, 30_000), (100, 30_000), (299_999, 30_000), (300_000, 0), (10**8, 0)],
)
def test_a_price_rate_follows_the_item_total(items_total, expected):
    assert cost(BY_PRICE, items_total=items_total) == Money(expected, "RUB")


@pytest.mark.parametrize(
    ("grams", "expected"), [(0, 20_000), (1_000, 20_000), (1_001, 25_000), (30_000, 25_000)]
)
def test_a_weight_rate_follows_the_chargeable_weight(grams, expected):
    assert cost(BY_WEIGHT, weight_grams=grams) == Money(expected, "RUB")


@pytest.mark.parametrize(("units", "expected"), [(1, 10_000), (2, 15_000), (4, 15_000), (5, 0)])
def test_a_quantity_rate_follows_the_number_of_units(units, expected):
    assert cost(BY_QUANTITY, quantity=units) == Money(expected, "RUB")


@pytest.mark.parametrize(
    ("units", "expected"), [(1, 10_000), (2, 11_000), (3, 12_000), (11, 20_000)]
)
def test_a_quantity_rate_may_add_a_percent_of_the_base_per_extra_unit(units, expected):
    per_unit = {"basis": "quantity", "base": 10_000, "percent_per_extra_item": 10}
    assert cost(per_unit, quantity=units) == Money(expected, "RUB")


def test_the_percent_per_extra_unit_rounds_half_up_once():
    # 333 kopecks + 2 × 15 % of 333 = 333 + 99.9 -> 433
    per_unit = {"basis": "quantity", "base": 333, "percent_per_extra_item": 15}
    assert cost(per_unit, quantity=3) == Money(433, "RUB")
    # 5 kopecks + 10 % = 5.5 -> 6
    assert cost({**per_unit, "base": 5, "percent_per_extra_item": 10}, quantity=2) == Money(
        6, "RUB"
    )


def test_tier_cost_takes_the_tier_with_the_greatest_from_not_above_the_measure():
    tiers = (Tier(0, 500), Tier(10, 400), Tier(20, 300))
    assert [tier_cost(tiers, m) for m in (0, 9, 10, 19, 20, 1000)] == [500, 500, 400, 400, 300, 300]


def test_a_rate_round_trips_through_its_dict():
    for data in (BY_PRICE, BY_WEIGHT, BY_QUANTITY):
        assert rate(data).to_dict() == data
    per_unit = {"basis": "quantity", "base": 10_000, "percent_per_extra_item": 10}
    assert rate(per_unit).to_dict() == per_unit
    assert rate(per_unit) == Rate(Basis.QUANTITY, base=10_000, percent_per_extra_item=10)


def test_tiers_must_not_be_empty():
    assert rate_errors({"basis": "weight", "tiers": []}) == {
        "rate.tiers": "Give at least one tier {from, cost}; the first starts at 0."
    }
    assert rate_errors({"basis": "price"}) == {
        "rate.tiers": "Give at least one tier {from, cost}; the first starts at 0."
    }


def test_the_first_tier_must_start_at_zero():
    assert rate_errors({"basis": "price", "tiers": [{"from": 100, "cost": 5}]}) == {
        "rate.tiers.0.from": "The first tier must start at 0."
    }


def test_a_quantity_table_may_start_at_one_but_not_later():
    assert rate({"basis": "quantity", "tiers": [{"from": 1, "cost": 5}]}).tiers == (Tier(1, 5),)
    assert rate_errors({"basis": "quantity", "tiers": [{"from": 2, "cost": 5}]}) == {
        "rate.tiers.0.from": "The first tier must start at 0 (or 1 for a quantity rate)."
    }


def test_tiers_out_of_order_or_repeated_are_refused():
    message = (
        "Must be greater than the previous tier's from (500): "
        "list tiers in increasing order, each once."
    )
    unordered = [{"from": 0, "cost": 3}, {"from": 500, "cost": 2}, {"from": 100, "cost": 1}]
    assert rate_errors({"basis": "price", "tiers": unordered}) == {"rate.tiers.2.from": message}
    repeated = [{"from": 0, "cost": 3}, {"from": 500, "cost": 2}, {"from": 500, "cost": 1}]
    assert rate_errors({"basis": "weight", "tiers": repeated}) == {"rate.tiers.2.from": message}


def test_costs_and_froms_must_be_non_negative_integers():
    tiers = [
        {"from": 0, "cost": -1},
        {"from": 10, "cost": 10.5},
        {"from": "20", "cost": 1},
        {"from": 30, "cost": True},
        {"from": -5, "cost": 1},
    ]
    assert rate_errors({"basis": "price", "tiers": tiers}) == {
        "rate.tiers.0.cost": "Must not be negative.",
        "rate.tiers.1.cost": "Must be a whole number of minor units, e.g. 0 or 30000.",
        "rate.tiers.2.from": (
            "Must be a whole number of minor units of the item total, e.g. 0 or 30000."
        ),
        "rate.tiers.3.cost": "Must be a whole number of minor units, e.g. 0 or 30000.",
        "rate.tiers.4.from": "Must not be negative.",
    }


def test_a_tier_must_be_an_object():
    assert rate_errors({"basis": "price", "tiers": [{"from": 0, "cost": 1}, 7]}) == {
        "rate.tiers.1": "Must be an object {from, cost}."
    }


def test_a_fixed_rate_has_exactly_one_tier_from_zero():
    two = [{"from": 0, "cost": 1}, {"from": 5, "cost": 2}]
    assert rate_errors({"basis": "fixed", "tiers": two}) == {
        "rate.tiers": "A fixed rate has exactly one tier, from 0."
    }
    assert rate_errors({"basis": "fixed", "tiers": [{"from": 5, "cost": 2}]}) == {
        "rate.tiers.0.from": "The first tier must start at 0."
    }


def test_an_unknown_basis_is_refused():
    assert rate_errors({"basis": "volume", "tiers": [{"from": 0, "cost": 1}]}) == {
        "rate.basis": "Must be one of fixed, price, weight, quantity."
    }
    assert rate_errors([1, 2]) == {"rate": "Must be an object {basis, tiers}."}


@pytest.mark.parametrize("percent", [-1, 1001, 10.5, "10", None, True])
def test_the_percent_per_extra_item_is_a_whole_number_from_0_to_1000(percent):
    data = {"basis": "quantity", "base": 100, "percent_per_extra_item": percent}
    assert rate_errors(data) == {
        "rate.percent_per_extra_item": "Must be a whole percent from 0 to 1000, e.g. 10."
    }


@pytest.mark.parametrize("percent", [0, 1000])
def test_the_percent_per_extra_item_bounds_are_allowed(percent):
    data = {"basis": "quantity", "base": 100, "percent_per_extra_item": percent}
    assert rate(data).percent_per_extra_item == percent


def test_base_and_percent_belong_to_a_quantity_rate_only_and_exclude_tiers():
    assert rate_errors({"basis": "weight", "base": 100, "percent_per_extra_item": 10}) == {
        "rate.base": "Only a quantity rate may give base and a percent."
    }
    both = {
        "basis": "quantity",
        "base": 100,
        "percent_per_extra_item": 10,
        "tiers": [{"from": 0, "cost": 1}],
    }
    assert rate_errors(both) == {
        "rate.tiers": "Give either tiers or base with percent_per_extra_item, not both."
    }
    assert rate_errors({"basis": "quantity", "base": -1, "percent_per_extra_item": 10}) == {
        "rate.base": "Must not be negative."
    }


def test_too_many_tiers_are_refused():
    tiers = [{"from": index, "cost": 1} for index in range(101)]
    assert rate_errors({"basis": "weight", "tiers": tiers}) == {"rate.tiers": "At most 100 tiers."}
