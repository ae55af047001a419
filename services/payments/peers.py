"""The services payments calls, as ports (each call bounded by a timeout, refusals typed), always
outside a transaction.

- `catalog`: a shop as the caller sees it (its owner sees `legal`): the owner of a shop whose
  `shop.created` has not reached payments yet, and the legal details checked when online payment
  is switched on;
- `orders`: an order as the caller sees it now, when the order events have not caught up.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from services.common.runtime import Peer


class Catalog:
    def __init__(self, peer: Peer):
        self.peer = peer

    def shop(self, shop_id: str) -> dict[str, Any]:
        return self.peer.call("get_shop", shop_id)


class Orders:
    def __init__(self, peer: Peer):
        self.peer = peer

    def order(self, order_id: str) -> dict[str, Any]:
        return self.peer.call("get_order", order_id)


@dataclass(frozen=True)
class Peers:
    catalog: Catalog
    orders: Orders

    @classmethod
    def of(cls, service: Any) -> Peers:
        return cls(Catalog(Peer(service.catalog_rpc, "catalog")),
                   Orders(Peer(service.orders_rpc, "orders")))
