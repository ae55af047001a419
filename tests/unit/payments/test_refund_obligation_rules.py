"""A paid order cancelled owes its refund within a day (seed 003, sanction reason 7): what is
owed, when it is due, and that it falls overdue once, unless refunds cover it first."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from services.payments.domain.refund_obligations import (
    OVERDUE,
    OWED,
    SETTLED,
    announces,
    due_at,
    next_status,
    owed,
)

CANCELLED = datetime(2026, 3, 2, 15, 30, tzinfo=UTC)
DUE = due_at(CANCELLED, 24)


def test_the_refund_is_due_a_day_after_the_cancellation():
    assert datetime(2026, 3, 3, 15, 30, tzinfo=UTC) == DUE
    assert due_at(CANCELLED, 1.5) == CANCELLED + timedelta(minutes=90)


def test_what_is_owed_is_what_was_paid_less_what_was_refunded_never_negative():
    assert owed(130000, 0) == 130000
    assert owed(130000, 30000) == 100000
    assert owed(130000, 130000) == 0
    assert owed(100, 250) == 0


def test_still_owed_before_the_due_time_stays_owed():
    assert next_status(OWED, 100000, DUE, DUE - timedelta(seconds=1)) == OWED


def test_still_owed_at_the_due_time_is_overdue_and_announced_once():
    became = next_status(OWED, 1, DUE, DUE)
    assert became == OVERDUE and announces(OWED, became)
    again = next_status(became, 1, DUE, DUE + timedelta(days=3))  # the timer looks again
    assert again == OVERDUE and not announces(became, again)


def test_refunded_in_full_in_time_is_settled_and_never_overdue():
    settled = next_status(OWED, 0, DUE, DUE - timedelta(hours=2))
    assert settled == SETTLED and not announces(OWED, settled)
    later = next_status(settled, 0, DUE, DUE + timedelta(days=1))
    assert later == SETTLED and not announces(settled, later)


def test_an_overdue_refund_made_late_settles_it_without_a_second_announcement():
    assert next_status(OVERDUE, 0, DUE, DUE + timedelta(hours=5)) == SETTLED


def test_a_settled_obligation_is_final():
    assert next_status(SETTLED, 5000, DUE, DUE + timedelta(days=1)) == SETTLED


def test_an_unknown_status_is_refused():
    with pytest.raises(ValueError):
        next_status("paid", 1, DUE, DUE)
