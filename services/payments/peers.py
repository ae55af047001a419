"""The services payments calls, as ports (each call bounded by a timeout, refusals typed), always
outside a transaction.

- `catalog`: a shop as the caller sees it (its owner sees `legal`): the owner of a shop whose
  `shop.created` has not reached payments yet, and the legal details checked when online payment
  is switched on;
- `orders`: an order as the caller sees it now, when the order events have not caught up.
"""

from __future__ import annotations

from typing import Any

from services.common.runtime import Peer, Port


class Catalog(Port):
    def shop(self, shop_id: str) -> dict[str, Any]:
        return self.peer.call("get_shop", shop_id)


class Orders(Port):
    def order(self, order_id: str) -> dict[str, Any]:
        return self.peer.call("get_order", order_id)


class Peers:
    """`uow.peers`: the ports over the service's RPC proxies, made once per worker."""

    def __init__(self, service: Any):
        self.catalog = Catalog(Peer(service.catalog_rpc, "catalog"))
        self.orders = Orders(Peer(service.orders_rpc, "orders"))
