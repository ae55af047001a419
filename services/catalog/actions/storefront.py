"""The storefront's listing, and the service's health, as actions."""

from __future__ import annotations

from typing import Any

from services.common.caller import Caller
from services.common.uow import UnitOfWork

from . import listing


def list_products(uow: UnitOfWork, caller: Caller, data: dict[str, Any]) -> dict[str, Any]:
    """`data` is `{query}`, the listing's query as sent (`listing.list_products` loads it)."""
    with uow.reading() as session:
        return listing.list_products(session, data["query"])


