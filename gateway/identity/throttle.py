"""Login throttling per account: pure rules, no I/O.

After `max_failures` wrong passwords within `window` the account is locked for `lockout`; while
locked every attempt answers 429 (the right password too), so guessing cannot continue from other
addresses. A successful login clears the count.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class Policy:
    max_failures: int
    window: timedelta
    lockout: timedelta


@dataclass
class Record:
    failures: int
    window_started_at: datetime
    locked_until: datetime | None = None


def seconds_locked(record: Record | None, now: datetime) -> int:
    """Seconds until the account may try again (0 when it may now)."""
    if record is None or record.locked_until is None or record.locked_until <= now:
        return 0
    return max(1, int((record.locked_until - now).total_seconds() + 0.999))


def after_failure(record: Record | None, now: datetime, policy: Policy) -> Record:
    if record is None or now - record.window_started_at > policy.window or (
        record.locked_until is not None and record.locked_until <= now
    ):
        record = Record(failures=0, window_started_at=now)
    record.failures += 1
    if record.failures >= policy.max_failures:
        record.locked_until = now + policy.lockout
    return record
