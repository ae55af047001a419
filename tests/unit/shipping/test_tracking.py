"""Tracking numbers per carrier, normalised, and the carriers' tracking links."""

import pytest

from services.shipping.domain import (
    Carrier,
    InvalidTrackingNumber,
    is_valid_tracking_number,
    normalise_tracking_number,
    shipment_id_for,
    tracking_url,
    validate_optional_tracking_number,
    validate_tracking_number,
)

RUSSIAN_POST_FORM = (
    "A Russian Post tracking number is 14 digits (e.g. 12345678901234) "
    "or 2 letters, 9 digits and 2 letters (e.g. RA123456789RU)."
)


def refusal(carrier, number):
    with pytest.raises(InvalidTrackingNumber) as caught:
        validate_tracking_number(carrier, number)
    return caught.value


def test_numbers_lose_their_spaces_and_are_upper_cased():
    assert normalise_tracking_number(" ra 123 456\t789 ru ") == "RA123456789RU"


def test_a_cdek_number_is_ten_digits():
    assert validate_tracking_number("cdek", "12345 67890") == "1234567890"
    for bad in ("123456789", "12345678901", "12345A7890"):
        error = refusal(Carrier.CDEK, bad)
        assert error.code == "invalid_tracking_number"
        assert error.errors == {
            "tracking_number": "A CDEK tracking number is 10 digits, e.g. 1234567890."
        }


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("12345678901234", "12345678901234"),
        ("123 456 789 012 34", "12345678901234"),
        ("RA123456789RU", "RA123456789RU"),
        ("ra123456789ru", "RA123456789RU"),
        ("LZ987654321CN", "LZ987654321CN"),
    ],
)
def test_a_russian_post_number_is_14_digits_or_the_international_form(given, stored):
    assert validate_tracking_number("russian_post", given) == stored


@pytest.mark.parametrize(
    "bad",
    ["1234567890123", "123456789012345", "R123456789RU", "RA12345678RU", "RA123456789R1", ""],
)
def test_other_russian_post_numbers_are_refused(bad):
    assert refusal("russian_post", bad).errors == {"tracking_number": RUSSIAN_POST_FORM}


@pytest.mark.parametrize("carrier", ["courier", "pek", "boxberry", "other"])
def test_other_carriers_take_4_to_40_letters_digits_or_hyphens(carrier):
    assert validate_tracking_number(carrier, "pek-2024-0001") == "PEK-2024-0001"
    assert validate_tracking_number(carrier, "AB12") == "AB12"
    assert validate_tracking_number(carrier, "9" * 40) == "9" * 40
    for bad in ("AB1", "9" * 41, "AB#123", "", "   "):
        assert refusal(carrier, bad).errors == {
            "tracking_number": "A tracking number is 4 to 40 letters, digits or hyphens."
        }


def test_a_tracking_number_must_be_text():
    assert refusal("cdek", 1234567890).errors == {
        "tracking_number": "A CDEK tracking number is 10 digits, e.g. 1234567890."
    }


def test_an_unknown_carrier_is_refused():
    assert refusal("dhl", "1234567890").errors == {
        "carrier": "Unknown carrier; use one of russian_post, cdek, courier, pek, boxberry, other, pickup."
    }


def test_a_missing_or_blank_number_means_no_track_yet():
    assert validate_optional_tracking_number("cdek", None) is None
    assert validate_optional_tracking_number("russian_post", "  ") is None
    assert validate_optional_tracking_number("cdek", "1234567890") == "1234567890"
    with pytest.raises(InvalidTrackingNumber):
        validate_optional_tracking_number("cdek", "12")


def test_the_check_alone_does_not_normalise():
    assert is_valid_tracking_number("cdek", "1234567890")
    assert not is_valid_tracking_number("cdek", "12345 67890")


def test_russian_post_and_cdek_have_tracking_links():
    assert (
        tracking_url("russian_post", "ra123456789ru")
        == "https://www.pochta.ru/tracking?barcode=RA123456789RU"
    )
    assert (
        tracking_url(Carrier.CDEK, "1234567890")
        == "https://www.cdek.ru/ru/tracking?order_id=1234567890"
    )


def test_other_carriers_and_missing_numbers_have_no_link():
    assert [tracking_url(c, "ABCD-1234") for c in ("courier", "pek", "boxberry", "other")] == [
        None,
        None,
        None,
        None,
    ]
    assert tracking_url("cdek", None) is None


def test_a_repeated_command_gives_its_shipment_the_same_id():
    order = "0b8f6a1e-7a0e-4c55-9f1c-2a7c1f3e9d10"
    first = shipment_id_for(order, "seller-1", "key-1")
    assert shipment_id_for(order, "seller-1", "key-1") == first
    assert len({first, shipment_id_for(order, "seller-1", "key-2"),
                shipment_id_for(order, "seller-2", "key-1"),
                shipment_id_for("1d2c3b4a-0000-4000-8000-000000000000", "seller-1", "key-1")}) == 4


def test_a_call_without_a_command_id_gives_a_new_shipment_id_each_time():
    order = "0b8f6a1e-7a0e-4c55-9f1c-2a7c1f3e9d10"
    assert shipment_id_for(order, "seller-1", None) != shipment_id_for(order, "seller-1", None)


def test_a_pickup_has_no_tracking_number_and_no_link():
    assert validate_optional_tracking_number(Carrier.PICKUP, None) is None
    assert validate_optional_tracking_number("pickup", "  ") is None
    refused = refusal("pickup", "AB1234")
    assert refused.errors == {
        "tracking_number": "A pickup is handed over in person: it has no tracking number."}
    assert not is_valid_tracking_number("pickup", "AB1234")
    assert tracking_url("pickup", None) is None
