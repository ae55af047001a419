"""Time, injectable so tests can move it.

Every service, relay and the gateway ask `now()` for the time. When `ATELIER_CLOCK_FILE` names a file,
its content (a number of seconds, may be negative) is added to the real UTC time: a test writes that file
to move every process of a running system forward at once, and deadlines fire in seconds.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta

_cache: dict[str, tuple[float, float]] = {}


def _offset_seconds() -> float:
    path = os.environ.get("ATELIER_CLOCK_FILE")
    if not path:
        return 0.0
    try:
        mtime = os.stat(path).st_mtime_ns
    except FileNotFoundError:
        return 0.0
    cached = _cache.get(path)
    if cached and cached[0] == mtime:
        return cached[1]
    with open(path) as f:
        text = f.read().strip()
    offset = float(text) if text else 0.0
    _cache[path] = (mtime, offset)
    return offset


def as_utc(moment: datetime | None) -> datetime | None:
    """A stored time as timezone-aware UTC: SQLite hands back the naive UTC it was given."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def now() -> datetime:
    """The current time, timezone-aware UTC."""
    return datetime.now(UTC) + timedelta(seconds=_offset_seconds())
