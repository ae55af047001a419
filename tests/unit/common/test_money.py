"""Money is integer minor units with a currency; request bodies carry strict JSON integers."""

from __future__ import annotations

import pytest
from marshmallow import Schema, ValidationError

from services.common.fields import MinorUnits
from services.common.money import Money
from services.common.runtime.messaging import backoff_ms


class PriceBody(Schema):
    price = MinorUnits(required=True)


def test_money_adds_and_takes_percentages_half_up():
    assert Money(100000, "RUB") + Money(250, "RUB") == Money(100250, "RUB")
    assert Money(1005, "RUB").percent(10) == Money(101, "RUB")  # 100.5 rounds up
    assert Money(1000, "RUB").times(3) == Money(3000, "RUB")


def test_money_refuses_floats_and_mixed_currencies():
    with pytest.raises(TypeError):
        Money(10.5, "RUB")
    with pytest.raises(ValueError, match="RUB and EUR"):
        Money(1, "RUB") + Money(1, "EUR")


@pytest.mark.parametrize("value", ["$10,000", "10000", 1000.5, 1000.0, -1, True, None])
def test_a_money_field_refuses_anything_but_a_non_negative_integer(value):
    with pytest.raises(ValidationError) as error:
        PriceBody().load({"price": value})
    assert "price" in error.value.messages


def test_a_money_field_takes_integer_minor_units():
    assert PriceBody().load({"price": 100000}) == {"price": 100000}


def test_retries_back_off_exponentially_up_to_a_minute():
    assert [backoff_ms(n, 1000) for n in (1, 2, 3, 4)] == [1000, 2000, 4000, 8000]
    assert backoff_ms(20, 1000) == 60_000
