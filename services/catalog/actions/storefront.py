"""The storefront's listing, and the service's health, as actions."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text

from services.common.caller import Caller
from services.common.uow import UnitOfWork

from . import listing


def list_products(uow: UnitOfWork, caller: Caller, data: dict[str, Any]) -> dict[str, Any]:
    """`data` is `{query}`, the listing's query as sent (`listing.list_products` loads it)."""
    with uow.reading() as session:
        return listing.list_products(session, data["query"])


def health(uow: UnitOfWork, caller: Caller, data: dict[str, Any]) -> dict[str, Any]:
    """Alive, and the database answering in a transaction."""
    with uow:
        uow.session.execute(text("SELECT 1"))
    return {"service": data["service"], "status": "ok"}
