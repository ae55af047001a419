"""The `health` answer every service gives: alive, and its database answering."""

from __future__ import annotations

from sqlalchemy import text

from .db import Db
from .uow import UnitOfWork


def report(service: str, unit: UnitOfWork | Db) -> dict:
    if isinstance(unit, UnitOfWork):
        with unit.reading() as session:
            session.execute(text("SELECT 1"))
    else:
        with unit.transaction() as session:
            session.execute(text("SELECT 1"))
    return {"service": service, "status": "ok"}
