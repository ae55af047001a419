"""The services shipping calls, as ports: each call bounded by a timeout, refusals typed
(`services.common.runtime.Peer`). Actions reach them as `uow.peers.catalog` and `uow.peers.orders`,
always outside a transaction.

- `catalog`: a shop's owner (for a shop whose `shop.created` has not reached shipping yet, or
  that was opened before shipping followed it), and the weights and prices of the items a buyer
  asks a quote for.
- `orders`: an order as its seller sees it now, when the order events shipping has followed do not
  allow a shipment yet (the seller was quicker than the events); and each new shipment, which the
  order takes before shipping commits it (`record_shipment`).
"""

from __future__ import annotations

from typing import Any

from services.common.runtime import Peer, Port


class Catalog(Port):
    def shop(self, shop_id: str) -> dict[str, Any]:
        """`{id, owner_id, ...}`; NotFound for a shop the catalog does not have."""
        return self.peer.call("get_shop", shop_id)

    def quote_lines(self, lines: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Each line priced: `{product_id, shop_id, quantity, weight_grams, free_delivery,
        total: {amount, currency}}`; NotFound or Invalid for products that cannot be had."""
        return self.peer.call("quote_lines", lines)["lines"]


class Orders(Port):
    def order(self, order_id: str) -> dict[str, Any]:
        """The order as the caller (whose identity rides along) may see it: `{id, shop_id,
        status, ...}`; NotFound when it does not exist or the caller may not see it."""
        return self.peer.call("get_order", order_id)

    def record_shipment(self, order_id: str, shipment: dict[str, Any]) -> dict[str, Any]:
        """The order takes the shipment (`shipment.created`'s data) now: paid → shipped, or a
        further track; `{shipment_id (the one orders holds), order_id, status}`. Conflict
        (`wrong_state`) when the order cannot be shipped; idempotent by shipment id."""
        return self.peer.call("record_shipment", order_id, shipment)


class Peers:
    """`uow.peers`: the ports over the service's RPC proxies, made once per worker."""

    def __init__(self, service: Any):
        self.catalog = Catalog(Peer(service.catalog_rpc, "catalog"))
        self.orders = Orders(Peer(service.orders_rpc, "orders"))
