"""Small helpers the use cases share."""

from __future__ import annotations

import uuid
from datetime import datetime

from services.common.clock import as_utc


def iso(moment: datetime | None) -> str | None:
    moment = as_utc(moment)
    return None if moment is None else moment.isoformat()


def new_id() -> str:
    return str(uuid.uuid4())


def money(amount: int, currency: str) -> dict:
    return {"amount": amount, "currency": currency}
