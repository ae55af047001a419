"""The `health` answer every service gives: alive, and its database answering."""

from __future__ import annotations

from sqlalchemy import text

from .uow import UnitOfWork


def report(service: str, uow: UnitOfWork) -> dict:
    with uow.reading() as session:
        session.execute(text("SELECT 1"))
    return {"service": service, "status": "ok"}
