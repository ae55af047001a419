"""Who may act on what: a shop's owner on its delivery methods, an order's seller on its shipments.

Shipping keeps what it checks from events (`following`): each shop's owner from `shop.created`,
each order's shop, seller and status from the order events. A caller is authorized before the
body is looked at (403/404 before 422):
- changing a shop's delivery methods needs the role seller or admin (403 `wrong_role`), a shop
  that exists (404 `shop_not_found`) and, for a seller, to own it (403 `not_shop_owner`);
- reading a shop's methods or a quote needs a shop that exists (404 `shop_not_found`);
- adding a shipment needs the role seller or admin (403), and an order the caller may see as its
  seller (404 `order_not_found` otherwise, as for an order that does not exist, so ids cannot be
  probed).
A shop shipping has not heard of (its `shop.created` on the way, or opened before shipping
followed shops) is asked of the catalog once and kept: a shop's owner never changes.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError

from services.common import clock
from services.common.caller import Caller
from services.common.errors import NotFound, NotShopOwner, OrderNotFound, ShopNotFound
from services.common.uow import UnitOfWork
from services.shipping.models import OrderRow, ShopRow

SELLERS = ("seller", "admin")


@dataclass(frozen=True)
class KnownShop:
    shop_id: str
    owner_id: str
    learnt: bool  # asked of the catalog just now: to be kept (`keep_shop`) with the action's writes


def authorize_shop(uow: UnitOfWork, caller: Caller, shop_id: str) -> KnownShop:
    """The shop, if the caller may change its delivery settings; raises otherwise. Call it outside
    a transaction (it may ask the catalog)."""
    caller.require(*SELLERS)
    shop = find_shop(uow, shop_id)
    if shop is None:
        raise ShopNotFound("No such shop.")
    if not caller.is_admin and shop.owner_id != caller.user_id:
        raise NotShopOwner("This is not your shop.")
    return shop


def require_shop(uow: UnitOfWork, shop_id: str) -> KnownShop:
    """The shop, or ShopNotFound (404) when neither shipping nor the catalog knows it. Outside a
    transaction (it may ask the catalog); a read does not keep what the catalog answered."""
    shop = find_shop(uow, shop_id)
    if shop is None:
        raise ShopNotFound("No such shop.")
    return shop


def find_shop(uow: UnitOfWork, shop_id: str) -> KnownShop | None:
    with uow.reading() as session:
        row = session.get(ShopRow, shop_id)
    if row is not None:
        return KnownShop(row.shop_id, row.owner_id, learnt=False)
    try:
        answer = uow.peers.catalog.shop(shop_id)
    except NotFound:
        return None
    return KnownShop(shop_id, str(answer["owner_id"]), learnt=True)


def keep_shop(uow: UnitOfWork, shop: KnownShop) -> None:
    """Inside the action's transaction: keep a shop asked of the catalog (unless its event, or a
    concurrent call, put it there first)."""
    if not shop.learnt or uow.session.get(ShopRow, shop.shop_id) is not None:
        return
    try:
        with uow.session.begin_nested():
            uow.session.add(ShopRow(shop_id=shop.shop_id, owner_id=shop.owner_id,
                                    known_at=clock.now()))
    except IntegrityError:
        pass  # kept by a concurrent call or its event: the same owner


@dataclass(frozen=True)
class KnownOrder:
    order_id: str
    shop_id: str
    seller_id: str | None
    buyer_id: str | None
    status: str
    current: bool = False  # as the orders service answered just now (not only from events)


def find_order(uow: UnitOfWork, order_id: str) -> KnownOrder | None:
    """The order as shipping's events tell it, its seller taken from its shop when the events
    did not name one."""
    with uow.reading() as session:
        row = session.get(OrderRow, order_id)
        if row is None:
            return None
        seller_id = row.seller_id
        if seller_id is None:
            shop = session.get(ShopRow, row.shop_id)
            seller_id = None if shop is None else shop.owner_id
    return KnownOrder(row.order_id, row.shop_id, seller_id, row.buyer_id, row.status)


def check_seller(caller: Caller, seller_id: str | None) -> None:
    """The caller must be the order's seller (or an admin): anyone else sees no such order."""
    if caller.is_admin:
        return
    if seller_id is None or seller_id != caller.user_id:
        raise OrderNotFound("No such order.")


def known_shop(uow: UnitOfWork, data: dict) -> dict | None:
    """What shipping knows of a shop: `{shop_id, owner_id}`, or None (never asks the catalog)."""
    with uow.reading() as session:
        row = session.get(ShopRow, data["shop_id"])
    return None if row is None else {"shop_id": row.shop_id, "owner_id": row.owner_id}


def known_order(uow: UnitOfWork, caller: Caller, data: dict) -> dict | None:
    """What shipping's events say of an order, to its seller or an admin: `{order_id, shop_id,
    status}`, or None when it has heard of none (or the caller may not see it)."""
    order = find_order(uow, data["order_id"])
    if order is None or not (caller.is_admin or order.seller_id == caller.user_id):
        return None
    return {"order_id": order.order_id, "shop_id": order.shop_id, "status": order.status}
