"""Provider amounts: integer minor units to decimal strings and back, exactly (no floats)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.payments.domain.amounts import to_decimal_string, to_minor_units


@pytest.mark.parametrize(("amount", "currency", "text"), [
    (1250, "USD", "12.50"), (5, "USD", "0.05"), (0, "EUR", "0.00"), (130050, "RUB", "1300.50"),
    (100000000000001, "USD", "1000000000000.01"), (1500, "JPY", "1500"), (1234, "KWD", "1.234"),
])
def test_minor_units_become_the_decimal_string_providers_take(amount, currency, text):
    assert to_decimal_string(amount, currency) == text
    assert to_minor_units(text, currency) == amount


@given(st.integers(min_value=0, max_value=10**15), st.sampled_from(["USD", "RUB", "JPY", "BHD"]))
def test_the_conversion_is_exact_both_ways(amount, currency):
    assert to_minor_units(to_decimal_string(amount, currency), currency) == amount


def test_amounts_that_are_not_exact_are_refused():
    with pytest.raises(ValueError):
        to_minor_units("12.505", "USD")
    with pytest.raises(ValueError):
        to_minor_units("12.5", "JPY")
    with pytest.raises(ValueError):
        to_minor_units("twelve", "USD")
    with pytest.raises(ValueError):
        to_minor_units("NaN", "USD")
    with pytest.raises(TypeError):
        to_decimal_string(12.5, "USD")
    assert to_minor_units("12.5", "USD") == 1250
