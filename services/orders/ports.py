"""Every call the orders service makes to another service, and the shapes adapted in one place.

The catalog prices lines (the client's prices are never trusted), tells a shop's terms and holds
stock for orders; shipping prices the chosen delivery method. Both answer over Nameko RPC.

Errors come back as the kernel's typed errors (`NotFound`, `Invalid`, `Conflict`, `Forbidden`) with
their `detail`, `code` and per-field `errors` kept: Nameko's own deserialisation would drop them for
an exception class it does not know, so replies are read here. A service that does not answer in
`ORDERS_RPC_TIMEOUT_SECONDS` is `ServiceUnavailable`.
"""

from __future__ import annotations

from typing import Any

import eventlet
from nameko.exceptions import UnknownService

from services.common.errors import (
    Conflict,
    Forbidden,
    Invalid,
    NotFound,
    ServiceError,
    Unavailable,
)

from . import settings

_KINDS: dict[str, type[ServiceError]] = {
    "NotFound": NotFound, "Forbidden": Forbidden, "Invalid": Invalid, "Conflict": Conflict,
}
# The other services' own subclasses of the kernel's errors, by the name Nameko reports.
_KNOWN_SUBCLASSES: dict[str, type[ServiceError]] = {
    # catalog
    "OutOfStock": Conflict, "NotForSale": Conflict, "ReservationConflict": Conflict,
    "QuoteInvalid": Invalid, "ReservationInvalid": Invalid, "ShopNotFound": NotFound,
    "ProductNotFound": NotFound, "CartRefused": Conflict, "VacationRefusal": Conflict,
    # shipping
    "UnknownMethodAtCheckout": Invalid, "MethodNotAvailable": Invalid, "QuoteRefused": Invalid,
}


class ServiceUnavailable(Unavailable):
    """Another service did not answer; the gateway answers 503."""


def call(proxy, service: str, method: str, *args, default_error=Conflict, **kwargs) -> Any:
    """Call `service.method` and wait for the answer, at most the configured timeout."""
    try:
        reply = getattr(proxy, method).call_async(*args, **kwargs)
    except UnknownService as exc:
        raise ServiceUnavailable(f"The {service} service is not running.", errors={
            "service": service}) from exc
    try:
        with eventlet.Timeout(settings.rpc_timeout_seconds()):
            body = reply.reply_event.wait()
    except eventlet.Timeout as exc:
        raise ServiceUnavailable(f"The {service} service did not answer in time.",
                                 errors={"service": service}) from exc
    error = body.get("error")
    if error:
        raise _typed(error, default_error)
    return body.get("result")


def _typed(error: dict[str, Any], default_error: type[ServiceError]) -> Exception:
    exc_type = error.get("exc_type") or ""
    args = list(error.get("exc_args") or [])
    kind = _KINDS.get(exc_type) or _KNOWN_SUBCLASSES.get(exc_type)
    if kind is None and len(args) == 3 and isinstance(args[2], dict):
        kind = default_error  # a typed error of theirs we have not listed
    if kind is None:
        return RuntimeError(f"{exc_type}: {error.get('value')}")
    detail = str(args[0]) if args else str(error.get("value") or exc_type)
    code = args[1] if len(args) > 1 and isinstance(args[1], str) else None
    errors = args[2] if len(args) > 2 and isinstance(args[2], dict) else None
    return kind(detail, code, errors)


class Catalog:
    """The catalog as the orders service needs it."""

    def __init__(self, proxy):
        self.proxy = proxy

    def _call(self, method, *args, default_error=Conflict, **kwargs):
        return call(self.proxy, "catalog", method, *args, default_error=default_error, **kwargs)

    def quote(self, lines: list[dict[str, Any]], *, for_cart: bool = False) -> list[dict]:
        """Each line re-priced: `{product_id, shop_id, title, quantity, unit_price, total,
        currency, options (chosen, as priced), weight_grams, free_delivery, ...}`, in order.

        `for_cart` also refuses what cannot be put in a cart now (out of stock, a shop on vacation
        without cart) with a Conflict naming the line."""
        wanted = [{"product_id": str(line["product_id"]), "quantity": line["quantity"],
                   "options": line.get("options") or {}} for line in lines]
        answer = self._call("quote_lines", wanted, for_cart=for_cart)
        return list(answer["lines"])

    def shop_terms(self, shop_id: str) -> dict[str, Any]:
        """What checkout needs of a shop: `{shop_id, owner_id, currency, status, confirm_days,
        prepayment_percent, surcharge_percent, surcharge_label}`.

        From the catalog's `get_shop`. The payment surcharge is set in the payments service's
        settings and the catalog does not carry it yet: 0 until it does (see the report)."""
        shop = self._call("get_shop", str(shop_id), default_error=NotFound)
        rules = shop.get("rules") or {}
        return {
            "shop_id": shop["id"],
            "owner_id": shop.get("owner_id"),
            "currency": shop.get("currency"),
            "status": shop.get("status"),
            "confirm_days": rules.get("confirm_days"),
            "prepayment_percent": rules.get("prepayment_percent") or 0,
            "surcharge_percent": shop.get("surcharge_percent") or 0,
            "surcharge_label": shop.get("surcharge_label"),
        }

    def hold(self, order_id: str, shop_id: str, lines: list[dict[str, Any]]) -> dict[str, Any]:
        """Checkout's one call per shop: `{lines, terms, reservation}`, the lines priced as
        `quote` prices them, the shop's terms as `shop_terms` tells them, and their stock held for
        the order as `reserve` holds it, in one catalog transaction. Refused as those are (nothing
        held), and a line of another shop is Invalid (`not_this_shop`)."""
        wanted = [{"product_id": str(line["product_id"]), "quantity": line["quantity"],
                   "options": line.get("options") or {}} for line in lines]
        return self._call("hold_for_order", str(order_id), str(shop_id), wanted)

    def reserve(self, order_id: str, lines: list[dict[str, Any]]) -> Any:
        """Hold stock for an order, all lines or none; Conflict (`out_of_stock`) naming the lines
        short in `errors.lines`. The catalog makes the hold final when it handles `order.placed`
        and gives it back on `order.cancelled` / `order.expired`; a reservation never expires by
        itself, so an order that was never written is released by our recovery."""
        wanted = [{"product_id": str(line["product_id"]), "quantity": line["quantity"]}
                  for line in lines]
        return self._call("reserve", str(order_id), wanted)

    def release(self, order_id: str) -> Any:
        """Give the stock back; releasing an unknown or released reservation does nothing."""
        return self._call("release", str(order_id))


class Shipping:
    def __init__(self, proxy):
        self.proxy = proxy

    def price_for_checkout(self, shop_id: str, method_id: str, destination: dict[str, Any],
                           lines: list[dict[str, Any]], items_total: int,
                           currency: str) -> dict[str, Any]:
        """The chosen method priced for this parcel: `{id, name, cost: int | None}` (None: the
        seller quotes after the order); Invalid when the method does not fit."""
        parcel = [{"product_id": str(line["product_id"]), "quantity": line["quantity"],
                   "weight_grams": line.get("weight_grams"),
                   "free_delivery": bool(line.get("free_delivery")),
                   "total": line["total"]["amount"]} for line in lines]
        answer = call(self.proxy, "shipping", "price_for_checkout", str(shop_id), method_id,
                      destination, parcel, items_total, currency, default_error=Invalid)
        cost = answer.get("cost") if isinstance(answer, dict) else answer
        if isinstance(cost, dict):
            cost = cost.get("amount")
        name = answer.get("name") if isinstance(answer, dict) else None
        return {"id": method_id, "name": name, "cost": cost}
