"""The `health` answer every service gives: alive, and its database answering."""

from __future__ import annotations

from sqlalchemy import text

from .db import Db


def report(service: str, db: Db) -> dict:
    with db.transaction() as session:
        session.execute(text("SELECT 1"))
    return {"service": service, "status": "ok"}
