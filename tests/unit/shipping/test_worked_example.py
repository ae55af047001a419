"""Seed 003's worked example: only the methods that fit the order are offered, priced."""

from services.shipping.domain import Line, quote, universal_method_id, universal_methods

from .worked_example import (
    CDEK,
    CDEK_BY_KZ,
    COURIER,
    NORTH,
    PEK,
    RUSSIAN_POST,
    SHOP_ID,
    own_methods,
    shop_methods,
)

MOSCOW = {"country": "RU", "region": "Москва", "city": "Москва"}
MOSCOW_REGION = {"country": "RU", "region": "Московская область", "city": "Химки"}
ST_PETERSBURG = {"country": "RU", "region": "Санкт-Петербург", "city": "Санкт-Петербург"}
MURMANSK = {"country": "RU", "region": "Мурманская область", "city": "Мурманск"}
KAZAKHSTAN = {"country": "KZ", "region": "Алматы", "city": "Алматы"}
BELARUS = {"country": "BY", "region": "Минская область", "city": "Минск"}


def offered(destination, grams, items_total):
    """(method id, cost in kopecks or None) of each offered method for one parcel of `grams`."""
    lines = [Line(quantity=1, weight_grams=grams, total=items_total)]
    return [
        (q.method_id, None if q.cost is None else q.cost.amount)
        for q in quote(shop_methods(), destination, lines, items_total, "RUB")
    ]


def test_a_kitchen_of_45_kg_sees_only_pek():
    assert offered(MOSCOW, 45_000, 15_000_000) == [(PEK, 250_000)]


def test_a_kitchen_to_the_north_still_sees_only_pek():
    assert offered(MURMANSK, 45_000, 15_000_000) == [(PEK, 250_000)]


def test_a_2_kg_parcel_to_moscow_over_3000_rub_gets_free_courier_and_post_and_cdek():
    assert offered(MOSCOW, 2_000, 350_000) == [
        (RUSSIAN_POST, 25_000),
        (COURIER, 0),
        (CDEK, 40_000),
    ]


def test_the_quote_carries_names_and_delivery_days():
    lines = [Line(quantity=1, weight_grams=2_000)]
    quoted = quote(own_methods(), MOSCOW, lines, 350_000, "RUB")
    assert [q.to_dict() for q in quoted] == [
        {
            "id": RUSSIAN_POST,
            "name": "Russian Post across Russia",
            "carrier": "russian_post",
            "cost": {"amount": 25_000, "currency": "RUB"},
            "delivery_days": 10,
        },
        {
            "id": COURIER,
            "name": "Courier (Moscow and Moscow region)",
            "carrier": "courier",
            "cost": {"amount": 0, "currency": "RUB"},
            "delivery_days": 2,
        },
        {
            "id": CDEK,
            "name": "CDEK pickup point across Russia",
            "carrier": "cdek",
            "cost": {"amount": 40_000, "currency": "RUB"},
            "delivery_days": 5,
        },
    ]


def test_the_courier_costs_300_rub_below_3000_rub_and_nothing_from_3000_rub():
    assert (COURIER, 30_000) in offered(MOSCOW_REGION, 2_000, 299_999)
    assert (COURIER, 0) in offered(MOSCOW_REGION, 2_000, 300_000)


def test_the_courier_region_matches_whatever_the_case_and_spaces():
    destination = {"country": "ru", "region": "  московская   ОБЛАСТЬ ", "city": "Химки"}
    assert offered(destination, 2_000, 100_000) == [
        (RUSSIAN_POST, 25_000),
        (COURIER, 30_000),
        (CDEK, 40_000),
    ]


def test_outside_moscow_there_is_no_courier():
    assert offered(ST_PETERSBURG, 2_000, 350_000) == [(RUSSIAN_POST, 25_000), (CDEK, 40_000)]


def test_a_2_5_kg_parcel_to_the_north_sees_the_northern_method():
    assert offered(MURMANSK, 2_500, 200_000) == [
        (RUSSIAN_POST, 30_000),
        (CDEK, 40_000),
        (NORTH, 100_000),
    ]


def test_a_4_kg_parcel_to_the_north_does_not_see_the_northern_method():
    assert offered(MURMANSK, 4_000, 200_000) == [(RUSSIAN_POST, 35_000), (CDEK, 55_000)]


def test_exactly_3_kg_to_the_north_still_fits_the_northern_limit():
    assert (NORTH, 100_000) in offered(MURMANSK, 3_000, 200_000)
    assert NORTH not in [method_id for method_id, _ in offered(MURMANSK, 3_001, 200_000)]


def test_a_parcel_to_kazakhstan_sees_only_cdek_belarus_kazakhstan():
    assert offered(KAZAKHSTAN, 2_000, 350_000) == [(CDEK_BY_KZ, 90_000)]


def test_a_kitchen_to_belarus_goes_by_cdek_since_that_method_has_no_weight_limit():
    assert offered(BELARUS, 45_000, 15_000_000) == [(CDEK_BY_KZ, 300_000)]


def test_between_19_and_20_kg_only_russian_post_takes_the_parcel():
    assert offered(MOSCOW, 19_500, 350_000) == [(RUSSIAN_POST, 90_000)]


def test_at_exactly_20_kg_both_pek_and_russian_post_take_it_and_above_only_pek():
    assert offered(MOSCOW, 20_000, 350_000) == [(PEK, 250_000), (RUSSIAN_POST, 90_000)]
    assert offered(MOSCOW, 20_001, 350_000) == [(PEK, 250_000)]


def test_over_100_kg_nothing_fits_in_russia():
    assert offered(MOSCOW, 100_001, 15_000_000) == []


def test_several_lines_add_up_to_the_parcel_weight():
    lines = [Line(quantity=3, weight_grams=500), Line(quantity=1, weight_grams=1_000)]
    quoted = quote(shop_methods(), MURMANSK, lines, 120_000, "RUB")
    assert [(q.method_id, q.cost.amount) for q in quoted] == [
        (RUSSIAN_POST, 30_000),
        (CDEK, 40_000),
        (NORTH, 100_000),
    ]


def test_a_universal_method_switched_back_on_is_offered_with_the_cost_left_to_the_seller():
    other = universal_method_id(SHOP_ID, "other")
    methods = own_methods() + universal_methods(
        SHOP_ID, {m.id for m in universal_methods(SHOP_ID)} - {other}
    )
    quoted = quote(methods, KAZAKHSTAN, [Line(quantity=1, weight_grams=2_000)], 350_000, "RUB")
    assert [(q.method_id, q.cost) for q in quoted] == [
        (CDEK_BY_KZ, quoted[0].cost),
        (other, None),
    ]
    assert quoted[0].cost.amount == 90_000
    assert quoted[1].to_dict()["cost"] is None
