"""Money: an integer amount in minor units and an ISO 4217 currency. Never a float."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from marshmallow import Schema, ValidationError, fields, validate


@dataclass(frozen=True, slots=True)
class Money:
    amount: int
    currency: str

    def __post_init__(self) -> None:
        if isinstance(self.amount, bool) or not isinstance(self.amount, int):
            raise TypeError(f"money amount must be an int of minor units, got {self.amount!r}")

    def __add__(self, other: Money) -> Money:
        self._same_currency(other)
        return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same_currency(other)
        return Money(self.amount - other.amount, self.currency)

    def times(self, quantity: int) -> Money:
        return Money(self.amount * quantity, self.currency)

    def percent(self, percent: int | Decimal) -> Money:
        """`percent` % of this amount, rounded half-up to a minor unit."""
        value = (Decimal(self.amount) * Decimal(percent) / 100).quantize(Decimal(1), ROUND_HALF_UP)
        return Money(int(value), self.currency)

    def _same_currency(self, other: Money) -> None:
        if other.currency != self.currency:
            raise ValueError(f"cannot mix {self.currency} and {other.currency}")

    def to_dict(self) -> dict:
        return {"amount": self.amount, "currency": self.currency}


class StrictInteger(fields.Integer):
    """A JSON integer and nothing else: refuses strings, floats (even 1000.0) and booleans."""

    def __init__(self, **kwargs):
        super().__init__(strict=True, **kwargs)

    def _validated(self, value):
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValidationError("Must be an integer (minor units), e.g. 100000 for 1000.00.")
        return super()._validated(value)


def MinorUnits(**kwargs) -> StrictInteger:  # noqa: N802 - reads as a field type
    """A money amount in a request body: a non-negative JSON integer of minor units."""
    kwargs.setdefault("validate", validate.Range(min=0))
    return StrictInteger(**kwargs)


class MoneySchema(Schema):
    amount = StrictInteger(required=True)
    currency = fields.String(required=True, validate=validate.Length(equal=3))
