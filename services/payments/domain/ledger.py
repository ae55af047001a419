"""The seller ledger: what a shop owes the platform, and when it is overdue.

- Commission (seed 001: "the tariff's commission" on a closed order): the shop's plan percent of
  the order's items total after discounts (never delivery or the payment surcharge), rounded
  half-up to a minor unit; recorded once per completed order. It is due `due_days` after it is
  recorded.
- Payments of debt reduce what is owed; they pay the oldest debts first. A balance below zero is
  the shop's credit, spent on the next commission.
- A debt is overdue once its due date has passed unpaid (seed 003, "unpaid services": the cabinet
  and storefront are blocked until it is paid): `debt.overdue` is announced once for each debt
  that falls overdue, and `debt.settled` once nothing overdue is left unpaid.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal


def commission(items_after_discounts: int, percent: Decimal) -> int:
    """`percent` % of the items total, half-up to a minor unit (never negative)."""
    base = max(int(items_after_discounts), 0)
    return int((Decimal(base) * Decimal(percent) / 100).quantize(Decimal(1), ROUND_HALF_UP))


def commission_base(items_total: int, discount: int = 0) -> int:
    """The items total after discounts; a discount never takes it below zero."""
    return max(int(items_total) - max(int(discount), 0), 0)


def due_at(recorded_at: datetime, due_days: float) -> datetime:
    return recorded_at + timedelta(days=due_days)


@dataclass(frozen=True, slots=True)
class Debt:
    """A charge the shop owes (a commission), with its due date."""

    id: str
    amount: int
    due_at: datetime


@dataclass(frozen=True, slots=True)
class Standing:
    balance: int            # owed in total (negative: the shop's credit)
    overdue: int            # owed on debts whose due date has passed
    overdue_since: datetime | None  # the oldest unpaid debt past its due date
    overdue_ids: tuple[str, ...]    # the debts (partly) unpaid past their due date


def standing(debts: Iterable[Debt], paid: int, now: datetime) -> Standing:
    """Payments (`paid` in total) cover the debts oldest due first; what is left unpaid of the
    debts due by `now` is overdue."""
    ordered = sorted(debts, key=lambda d: (d.due_at, d.id))
    left = paid
    overdue, since, ids = 0, None, []
    for debt in ordered:
        covered = min(max(left, 0), debt.amount)
        left -= covered
        unpaid = debt.amount - covered
        if unpaid > 0 and debt.due_at <= now:
            overdue += unpaid
            ids.append(debt.id)
            since = since or debt.due_at
    total = sum(d.amount for d in ordered)
    return Standing(total - paid, overdue, since, tuple(ids))
