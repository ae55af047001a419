"""The other services the orders service calls, as it needs them: `uow.peers.catalog`,
`uow.peers.shipping`.

The catalog prices lines (the client's prices are never trusted), tells a shop's terms and holds
stock for orders; shipping prices the chosen delivery method. Each call goes through the kernel's
`Peer`: bounded by `ORDERS_RPC_TIMEOUT_SECONDS` (`Unavailable` past it, or when the service is not
running), and the peer's typed errors come back as the kernel's `NotFound`, `Forbidden`, `Invalid`,
`Conflict` with their detail, code and per-field errors. Never called inside a transaction.
"""

from __future__ import annotations

from typing import Any

from services.common.runtime import Peer, Port

from . import settings


def _wanted(lines: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{"product_id": str(line["product_id"]), "quantity": line["quantity"],
             "options": line.get("options") or {}} for line in lines]


class Catalog(Port):
    def quote(self, lines: list[dict[str, Any]], *, for_cart: bool = False) -> list[dict]:
        """Each line re-priced: `{product_id, shop_id, title, quantity, unit_price, total,
        currency, options (chosen, as priced), weight_grams, free_delivery, ...}`, in order.

        `for_cart` also refuses what cannot be put in a cart now (out of stock, a shop on vacation
        without cart) with a Conflict naming the line."""
        return list(self.peer.call("quote_lines", _wanted(lines), for_cart=for_cart)["lines"])

    def shop_terms(self, shop_id: str) -> dict[str, Any]:
        """What an order needs of a shop: `{shop_id, owner_id, currency, status, confirm_days,
        prepayment_percent, surcharge_percent, surcharge_label, contact_methods, vacation}`, from
        the catalog's `get_shop` (`vacation`: `{message, starts_on, ends_on, allow_cart, active}`
        or None); NotFound for a shop that does not exist."""
        shop = self.peer.call("get_shop", str(shop_id))
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
            "contact_methods": list(shop.get("contact_methods") or []),
            "vacation": shop.get("vacation"),
        }

    def hold(self, order_id: str, shop_id: str, lines: list[dict[str, Any]]) -> dict[str, Any]:
        """Checkout's one call per shop: `{lines, terms, reservation}`, the lines priced as
        `quote` prices them, the shop's terms as `shop_terms` tells them (contact methods and
        vacation included), and their stock held for
        the order, in one catalog transaction. Refused as those are (nothing held), and a line of
        another shop is Invalid (`not_this_shop`)."""
        return self.peer.call("hold_for_order", str(order_id), str(shop_id), _wanted(lines))

    def reserve(self, order_id: str, lines: list[dict[str, Any]]) -> Any:
        """Hold stock for an order, all lines or none; Conflict (`out_of_stock`) naming the lines
        short. The catalog makes the hold final when it handles `order.placed` and gives it back on
        `order.cancelled` / `order.expired`; a hold never expires by itself, so one of an order
        that was never written is released by our recovery."""
        wanted = [{"product_id": str(line["product_id"]), "quantity": line["quantity"]}
                  for line in lines]
        return self.peer.call("reserve", str(order_id), wanted)

    def release(self, order_id: str) -> Any:
        """Give the stock back; releasing an unknown or released reservation does nothing."""
        return self.peer.call("release", str(order_id))


class Shipping(Port):
    def price_for_checkout(self, shop_id: str, method_id: str, destination: dict[str, Any],
                           lines: list[dict[str, Any]], items_total: int,
                           currency: str) -> dict[str, Any]:
        """The chosen method priced for this parcel: `{id, name, cost: int | None}` (None: the
        seller quotes after the order); Invalid when the method does not fit."""
        parcel = [{"product_id": str(line["product_id"]), "quantity": line["quantity"],
                   "weight_grams": line.get("weight_grams"),
                   "free_delivery": bool(line.get("free_delivery")),
                   "total": line["total"]["amount"]} for line in lines]
        answer = self.peer.call("price_for_checkout", str(shop_id), method_id, destination,
                                parcel, items_total, currency)
        cost = answer.get("cost")
        return {"id": method_id, "name": answer.get("name"),
                "cost": cost.get("amount") if isinstance(cost, dict) else cost}


class OrdersPeers:
    """`uow.peers` of the orders service, made from its RPC proxies once per worker."""

    def __init__(self, service: Any):
        timeout = settings.rpc_timeout_seconds()
        self.catalog = Catalog(Peer(service.catalog_rpc, "catalog", timeout))
        self.shipping = Shipping(Peer(service.shipping_rpc, "shipping", timeout))
