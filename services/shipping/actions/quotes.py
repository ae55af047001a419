"""Quotes: which of a shop's enabled methods fit an order, and what each costs.

- `quote_items`: a buyer's quote (`POST /delivery/quote`): shipping asks the catalog for the
  items' weights, free-delivery flags and prices (outside any transaction), checks they all come
  from the shop, and prices the shop's methods. A shop that does not exist is a 404
  (`shop_not_found`), and so is a product the catalog does not have or shows nobody but its owner
  (`product_not_found`, naming `items.<i>.product_id`); other refusals of the catalog (a product
  sold only through offers) stay its 409;
- `quote` and `price_for_checkout`: the order as checkout knows it (unit weights, quantities,
  free-delivery flags and line totals it got from the catalog). Shape: `schemas.QuoteSchema`.
All read only.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from services.common.caller import Caller
from services.common.errors import Conflict, ProductNotFound
from services.common.uow import UnitOfWork
from services.shipping import domain
from services.shipping.errors import ItemsOfAnotherShop, UnknownMethodAtCheckout
from services.shipping.schemas import QuoteItemsSchema, QuoteSchema, check

from .access import require_shop
from .methods import chosen_method, shop_methods

# The catalog's code for lines whose product is missing, disabled or hidden (`quote_lines`).
NOT_AVAILABLE = "not_available"


def quote_items(uow: UnitOfWork, caller: Caller, data: Mapping[str, Any]) -> dict:
    """`{shop_id, destination, items: [{product_id, quantity, options?}]}` →
    `{methods: [{id, name, carrier, cost: {amount, currency} | null, delivery_days}]}`."""
    wanted = check(QuoteItemsSchema, {"destination": data["destination"], "items": data["items"]})
    shop_id = require_shop(uow, data["shop_id"]).shop_id
    lines = [{"product_id": str(item["product_id"]), "quantity": item["quantity"],
              "options": item["options"]} for item in wanted["items"]]
    try:
        priced = uow.peers.catalog.quote_lines(lines)
    except Conflict as refused:
        if refused.code != NOT_AVAILABLE:
            raise
        # Products that do not exist (or that nobody but their owner may see): a 404, naming them.
        items = sorted(_as_item(path) for path in refused.errors)
        raise ProductNotFound(
            f"No such product: {', '.join(items)}.",
            errors={item: ["No such product."] for item in items}) from None
    foreign = [i for i, line in enumerate(priced) if str(line["shop_id"]) != shop_id]
    if foreign:
        raise ItemsOfAnotherShop(
            "Every item must come from the shop being quoted.",
            errors={f"items.{i}.product_id": ["This product belongs to another shop."]
                    for i in foreign})
    parcel_lines = [{
        "product_id": str(line["product_id"]),
        "quantity": line["quantity"],
        "weight_grams": line.get("weight_grams"),
        "free_delivery": bool(line.get("free_delivery")),
        "total": line["total"]["amount"],
    } for line in priced]
    destination = {k: v for k, v in wanted["destination"].items() if v is not None}
    order = {"destination": destination, "lines": parcel_lines,
             "items_total": sum(line["total"] for line in parcel_lines),
             "currency": priced[0]["total"]["currency"]}
    return quote(uow, {"shop_id": shop_id, **order})


def quote(uow: UnitOfWork, data: Mapping[str, Any]) -> dict:
    """`{methods: [{id, name, carrier, cost: {amount, currency} | null, delivery_days}]}`."""
    with uow.reading() as session:
        methods = shop_methods(session, data["shop_id"])
    quoted = check(QuoteSchema, _order(data), lambda order: domain.quote(methods, *_parts(order)))
    return {"methods": [item.to_dict() for item in quoted]}


def price_for_checkout(uow: UnitOfWork, data: Mapping[str, Any]) -> dict:
    """The chosen method's quote: `{id, name, carrier, cost | null, delivery_days}`.

    `cost` null means the seller quotes after the order (a universal method). Raises
    `unknown_delivery_method` when the shop has no such method and
    `delivery_method_not_available` (with the reason in `errors.delivery_method_id`) when it is
    switched off or does not fit the destination or the parcel.
    """
    method_id = data.get("method_id")
    method = None
    if method_id:
        with uow.reading() as session:
            method = chosen_method(session, data["shop_id"], method_id)
    if method is None:
        raise UnknownMethodAtCheckout(
            "This shop has no such delivery method.",
            errors={"delivery_method_id": ["This shop has no such delivery method."]},
        )
    quoted = check(QuoteSchema, _order(data),
                   lambda order: domain.price_method(method, *_parts(order)))
    return quoted.to_dict()


def _as_item(path: str) -> str:
    """The catalog's `lines.<i>.product_id` as the buyer sent it: `items.<i>.product_id`."""
    return "items" + path[len("lines"):] if path.startswith("lines.") else path


def _order(data: Mapping[str, Any]) -> dict:
    return {key: data.get(key) for key in ("destination", "lines", "items_total", "currency")}


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
