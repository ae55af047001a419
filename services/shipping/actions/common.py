"""Small helpers the use cases share."""

from __future__ import annotations

from datetime import datetime

from services.common.clock import as_utc


def iso(moment: datetime | None) -> str | None:
    moment = as_utc(moment)
    return None if moment is None else moment.isoformat()


