"""Where a method applies: any rule matches; omitted fields match anything; none = everywhere."""

import pytest

from services.shipping.domain import (
    Destination,
    DestinationRule,
    InvalidDestination,
    applies_to,
    parse_destination,
)

MOSCOW = Destination("RU", "Москва", "Москва")


def test_no_rules_means_everywhere():
    assert applies_to((), MOSCOW)
    assert applies_to((), Destination("KZ"))


def test_a_country_rule_matches_any_region_and_city_of_that_country():
    rules = (DestinationRule("RU"),)
    assert applies_to(rules, MOSCOW)
    assert applies_to(rules, Destination("RU"))
    assert not applies_to(rules, Destination("BY", "Минская область", "Минск"))


def test_any_matching_rule_is_enough():
    rules = (DestinationRule("BY"), DestinationRule("KZ"))
    assert applies_to(rules, Destination("KZ", "Алматы"))
    assert not applies_to(rules, MOSCOW)


def test_region_and_city_compare_case_insensitively_and_trimmed():
    rule = DestinationRule("RU", "Московская область", "Химки")
    assert rule.matches(Destination("RU", "  МОСКОВСКАЯ   область ", "химки "))
    assert not rule.matches(Destination("RU", "Московская область", "Мытищи"))


def test_yo_and_ye_are_the_same_letter_for_matching():
    assert DestinationRule("RU", city="Орёл").matches(
        Destination("RU", "Орловская область", "Орел")
    )


def test_a_rule_naming_a_region_does_not_match_a_destination_without_one():
    assert not DestinationRule("RU", "Москва").matches(Destination("RU"))


def test_a_city_rule_matches_that_city_in_any_region():
    rule = DestinationRule("RU", city="Москва")
    assert rule.matches(MOSCOW)
    assert not rule.matches(Destination("RU", "Москва", "Зеленоград"))


def test_a_buyer_destination_is_read_and_normalised():
    parsed = parse_destination({"country": " kz ", "region": " Алматы ", "city": ""})
    assert parsed == Destination("KZ", "Алматы", None)
    assert parsed.to_dict() == {"country": "KZ", "region": "Алматы", "city": None}


@pytest.mark.parametrize("country", [None, "", "RUS", "R1", 7])
def test_a_buyer_destination_needs_an_alpha_2_country(country):
    with pytest.raises(InvalidDestination) as caught:
        parse_destination({"country": country, "region": "Москва"})
    assert caught.value.code == "invalid_destination"
    assert caught.value.errors == {
        "destination.country": "Must be an ISO 3166-1 alpha-2 country code, e.g. RU."
    }


def test_a_buyer_destination_must_be_an_object():
    with pytest.raises(InvalidDestination):
        parse_destination("Moscow")
