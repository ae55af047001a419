from datetime import UTC, datetime, timedelta

from gateway.identity.throttle import Policy, after_failure, seconds_locked

POLICY = Policy(max_failures=3, window=timedelta(minutes=15), lockout=timedelta(minutes=10))
T0 = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)


def fail(times, start=T0, step=timedelta(seconds=1), record=None):
    for i in range(times):
        record = after_failure(record, start + i * step, POLICY)
    return record


def test_an_account_is_locked_after_the_allowed_failures():
    record = fail(3)
    assert record.locked_until == T0 + timedelta(seconds=2) + POLICY.lockout
    assert seconds_locked(record, T0 + timedelta(seconds=3)) == 599


def test_fewer_failures_do_not_lock():
    record = fail(2)
    assert record.locked_until is None
    assert seconds_locked(record, T0 + timedelta(seconds=3)) == 0


def test_failures_outside_the_window_start_a_new_count():
    record = fail(2)
    record = after_failure(record, T0 + timedelta(minutes=16), POLICY)
    assert record.failures == 1
    assert record.locked_until is None


def test_the_lock_ends_after_the_lockout():
    record = fail(3)
    assert seconds_locked(record, record.locked_until) == 0
    record = after_failure(record, record.locked_until + timedelta(seconds=1), POLICY)
    assert record.failures == 1 and record.locked_until is None


def test_no_record_means_no_wait():
    assert seconds_locked(None, T0) == 0
