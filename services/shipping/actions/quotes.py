"""Quotes: which of a shop's enabled methods fit an order, and what each costs.

The caller (the gateway's quote endpoint, the orders service at checkout) gives the order as
shipping needs it — unit weights, quantities, free-delivery flags and line totals it got from the
catalog — so shipping never calls the catalog. Shape: see `schemas.QuoteSchema`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

from services.shipping import domain
from services.shipping.errors import UnknownMethodAtCheckout
from services.shipping.schemas import QuoteSchema, check

from .methods import shop_methods


def quote(session: Session, shop_id: str, order: Mapping[str, Any]) -> dict:
    """`{methods: [{id, name, carrier, cost: {amount, currency} | null, delivery_days}]}`."""
    methods = shop_methods(session, shop_id)
    quoted = check(QuoteSchema, order, lambda data: domain.quote(methods, *_parts(data)))
    return {"methods": [item.to_dict() for item in quoted]}


def price_for_checkout(
    session: Session, shop_id: str, method_id: str | None, order: Mapping[str, Any]
) -> dict:
    """The chosen method's quote: `{id, name, carrier, cost | null, delivery_days}`.

    `cost` null means the seller quotes after the order (a universal method). Raises
    `unknown_delivery_method` when the shop has no such method and
    `delivery_method_not_available` (with the reason in `errors.delivery_method_id`) when it is
    switched off or does not fit the destination or the parcel.
    """
    methods = {method.id: method for method in shop_methods(session, shop_id)}
    method = methods.get(method_id) if method_id else None
    if method is None:
        raise UnknownMethodAtCheckout(
            "This shop has no such delivery method.",
            errors={"delivery_method_id": "This shop has no such delivery method."},
        )
    quoted = check(QuoteSchema, order, lambda data: domain.price_method(method, *_parts(data)))
    return quoted.to_dict()


def _parts(data: Mapping[str, Any]) -> tuple[domain.Destination, tuple, int, str]:
    """destination, lines, items_total, currency checked by the domain; every bad field at once."""
    lines = data.get("lines")
    errors: dict[str, Any] = {}
    destination = parcel = None
    try:
        destination = domain.parse_destination(data.get("destination"))
    except domain.InvalidDestination as exc:
        errors.update(exc.errors)
    try:
        parcel = domain.make_parcel(
            list(lines) if isinstance(lines, list | tuple) else [],
            data.get("items_total"),
            data.get("currency"),
        )
    except domain.InvalidParcel as exc:
        errors.update(exc.errors)
    if errors:
        raise domain.InvalidParcel("The order cannot be quoted for delivery.", errors=errors)
    return destination, parcel.lines, parcel.items_total, data["currency"]
