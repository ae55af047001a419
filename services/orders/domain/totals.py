"""Order totals and payment parts, in integer minor units (never floats).

Decisions where the specs are silent:
* The promo discount applies to the goods only and is capped at the items total (a 150 ₽ code on a
  100 ₽ order makes the items free, it does not eat the delivery or go negative).
* The surcharge (the shop's payment fee, seed 003 "Дополнительный сбор") is a percent of
  items + delivery − discount, rounded half-up to a minor unit, and added on top:
  grand_total = items + delivery − discount + surcharge.
* Delivery `None` means "to be quoted by the seller": the totals are computed without it (and the
  surcharge on what is known) until the seller sets the cost, then recomputed.
* An amount change (seed 001, API `POST /orders/{id}/amount`) gives the new items total: the agreed
  price of the goods, after any promotion. Delivery and surcharge are added again; the discount is
  dropped (it is already in the agreed price).
* Payment parts: advance = prepayment_percent of the grand total, half-up; balance = the rest.
  0 % or 100 %, or an advance that rounds to nothing or to the whole total, is one full payment.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from decimal import Decimal
from enum import StrEnum

from services.common.money import Money

from .errors import (
    CURRENCY_MISMATCH,
    INVALID_AMOUNT,
    INVALID_PERCENT,
    NO_LINES,
    NO_SUCH_PART,
    OrderInvalid,
)


@dataclass(frozen=True, slots=True)
class Totals:
    items: Money
    delivery: Money | None  # None: the seller will quote it
    discount: Money
    surcharge: Money
    grand_total: Money

    @property
    def delivery_pending(self) -> bool:
        return self.delivery is None

    def to_dict(self) -> dict:
        return {
            "items": self.items.to_dict(),
            "delivery": self.delivery.to_dict() if self.delivery else None,
            "discount": self.discount.to_dict(),
            "surcharge": self.surcharge.to_dict(),
            "grand_total": self.grand_total.to_dict(),
        }


def compute_totals(
    line_totals: Iterable[Money],
    delivery: Money | None = None,
    discount: Money | None = None,
    surcharge_percent: int | Decimal = 0,
) -> Totals:
    """Totals from the catalog's line totals (unit price × quantity), delivery, promo and fee."""
    lines = list(line_totals)
    if not lines:
        raise OrderInvalid("an order has at least one line", code=NO_LINES)
    currency = lines[0].currency
    items = Money(0, currency)
    for i, line in enumerate(lines):
        items = items + _checked(line, currency, f"lines[{i}]")
    return _assemble(items, delivery, discount, surcharge_percent)


def with_delivery(
    totals: Totals, delivery: Money | None, surcharge_percent: int | Decimal = 0
) -> Totals:
    """The totals once the seller quotes the delivery cost."""
    return _assemble(totals.items, delivery, totals.discount, surcharge_percent)


@dataclass(frozen=True, slots=True)
class AmountChange:
    previous_total: Money
    new_total: Money
    totals: Totals


def change_amount(
    totals: Totals, new_items: Money, surcharge_percent: int | Decimal = 0
) -> AmountChange:
    """The totals after the seller sets a new items total; delivery and surcharge added again."""
    new_items = _checked(new_items, totals.items.currency, "amount")
    zero = Money(0, new_items.currency)
    new = _assemble(new_items, totals.delivery, zero, surcharge_percent)
    return AmountChange(totals.grand_total, new.grand_total, new)


def _assemble(
    items: Money, delivery: Money | None, discount: Money | None, surcharge_percent: int | Decimal
) -> Totals:
    currency = items.currency
    _checked(items, currency, "items")
    if delivery is not None:
        _checked(delivery, currency, "delivery")
    discount = _checked(discount or Money(0, currency), currency, "discount")
    if discount.amount > items.amount:
        discount = replace(discount, amount=items.amount)
    percent = _percent(surcharge_percent, "surcharge_percent")
    base = items - discount + (delivery or Money(0, currency))
    surcharge = base.percent(percent)
    return Totals(items, delivery, discount, surcharge, base + surcharge)


def _checked(money: Money, currency: str, name: str) -> Money:
    if money.currency != currency:
        raise OrderInvalid(
            f"{name} is in {money.currency}, the order in {currency}",
            code=CURRENCY_MISMATCH,
            errors={name: f"must be in {currency}"},
        )
    if money.amount < 0:
        raise OrderInvalid(
            f"{name} cannot be negative", code=INVALID_AMOUNT, errors={name: "must be >= 0"}
        )
    return money


def _percent(value: int | Decimal, name: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        raise OrderInvalid(
            f"{name} must be a number",
            code=INVALID_PERCENT,
            errors={name: "must be a number from 0 to 100"},
        )
    if not Decimal(0) <= Decimal(value) <= Decimal(100):
        raise OrderInvalid(
            f"{name} must be from 0 to 100",
            code=INVALID_PERCENT,
            errors={name: "must be from 0 to 100"},
        )
    return Decimal(value)


# Payment parts ------------------------------------------------------------------------------------
class Part(StrEnum):
    FULL = "full"
    ADVANCE = "advance"
    BALANCE = "balance"


@dataclass(frozen=True, slots=True)
class PaymentParts:
    full: Money
    advance: Money | None = None  # None: the order is paid in one go
    balance: Money | None = None

    @property
    def split(self) -> bool:
        return self.advance is not None

    def amount(self, part: Part | str) -> Money:
        """The amount of one part; asking for advance/balance of an unsplit order is invalid."""
        try:
            part = Part(part)
        except ValueError:
            raise OrderInvalid(
                f"unknown payment part {part!r}",
                code=NO_SUCH_PART,
                errors={"part": "one of full, advance, balance"},
            ) from None
        value = {Part.FULL: self.full, Part.ADVANCE: self.advance, Part.BALANCE: self.balance}[part]
        if value is None:
            raise OrderInvalid(
                f"this order has no {part.value} payment",
                code=NO_SUCH_PART,
                errors={"part": "this order is paid in full"},
            )
        return value


def payment_parts(grand_total: Money, prepayment_percent: int | Decimal = 0) -> PaymentParts:
    """Full, or advance (half-up) + balance (the rest); both parts positive when split."""
    _checked(grand_total, grand_total.currency, "grand_total")
    percent = _percent(prepayment_percent, "prepayment_percent")
    advance = grand_total.percent(percent)
    if advance.amount <= 0 or advance.amount >= grand_total.amount:
        return PaymentParts(grand_total)
    return PaymentParts(grand_total, advance, grand_total - advance)
