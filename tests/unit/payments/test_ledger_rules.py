"""The seller ledger's rules: commission at the plan percent of the items after discounts, due dates,
payments covering the oldest debts first, and what is overdue."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from services.payments.domain.ledger import (
    Debt,
    commission,
    commission_base,
    due_at,
    standing,
)

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def test_commission_is_the_plan_percent_of_the_items_after_discounts_half_up():
    assert commission(commission_base(200000), Decimal("5")) == 10000
    assert commission(commission_base(100000, discount=15000), Decimal("10")) == 8500
    assert commission(commission_base(12345), Decimal("2.5")) == 309  # 308.625 → 309
    assert commission(commission_base(100, discount=500), Decimal("10")) == 0
    assert commission(99, Decimal("0")) == 0


def test_a_commission_is_due_the_configured_days_after_it_is_recorded():
    assert due_at(T0, 14) == T0 + timedelta(days=14)


def test_nothing_is_overdue_before_its_due_date():
    debts = [Debt("a", 1000, T0 + timedelta(days=14))]
    now = T0 + timedelta(days=13)
    assert standing(debts, 0, now).overdue == 0
    assert standing(debts, 0, now).balance == 1000


def test_payments_cover_the_oldest_debts_first():
    old, new = Debt("old", 1000, T0), Debt("new", 500, T0 + timedelta(days=10))
    now = T0 + timedelta(days=5)
    due = standing([new, old], 0, now)
    assert (due.overdue, due.overdue_since, due.overdue_ids) == (1000, T0, ("old",))
    part = standing([new, old], 400, now)
    assert (part.balance, part.overdue, part.overdue_ids) == (1100, 600, ("old",))
    paid = standing([new, old], 1000, now)
    assert (paid.balance, paid.overdue, paid.overdue_ids) == (500, 0, ())


def test_paying_more_than_owed_leaves_a_credit():
    result = standing([Debt("a", 1000, T0)], 1500, T0 + timedelta(days=1))
    assert (result.balance, result.overdue) == (-500, 0)
