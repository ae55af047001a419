"""Money: an integer amount in minor units and an ISO 4217 currency. Never a float."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal


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
