"""Who may act on what.

- a shop's payment settings: its owner (an admin may read them); the owner is kept from
  `shop.created`, or asked of the catalog once for a shop payments has not heard of;
- an order's payments: its buyer pays; its buyer, its seller and admins read them; anyone else is
  told there is no such order (404), so ids cannot be probed;
- a payment's refunds: its order's seller or an admin.
"""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError

from services.common import clock
from services.common.caller import Caller
from services.common.errors import NotFound, NotShopOwner, OrderNotFound, ShopNotFound
from services.common.uow import UnitOfWork

from ..models import OrderRow, ShopRow


def shop_owner(uow: UnitOfWork, shop_id: str) -> str:
    """The shop's owner: from `shop.created`, else asked of the catalog (outside a transaction)
    and kept. ShopNotFound when neither knows the shop."""
    with uow.reading() as session:
        row = session.get(ShopRow, shop_id)
    if row is not None and row.owner_id:
        return row.owner_id
    try:
        owner_id = str(uow.peers.catalog.shop(shop_id)["owner_id"])
    except NotFound:
        raise ShopNotFound("There is no such shop.") from None
    with uow:
        keep_shop(uow, shop_id, owner_id)
    return owner_id


def keep_shop(uow: UnitOfWork, shop_id: str, owner_id: str | None) -> ShopRow:
    """Inside a transaction: the shop's row, made if missing (a concurrent maker wins)."""
    session = uow.session
    row = session.get(ShopRow, shop_id, with_for_update=True)
    if row is None:
        try:
            with session.begin_nested():
                row = ShopRow(shop_id=shop_id, owner_id=owner_id, enabled=False,
                              updated_at=clock.now())
                session.add(row)
        except IntegrityError:
            row = session.get(ShopRow, shop_id, with_for_update=True)
    if row.owner_id is None and owner_id is not None:
        row.owner_id = owner_id
    return row


def authorize_owner(uow: UnitOfWork, caller: Caller, shop_id: str, *,
                    admin_may: bool = False) -> str:
    caller.require("seller", "admin")
    owner_id = shop_owner(uow, shop_id)
    if caller.is_admin and admin_may:
        return owner_id
    if owner_id != caller.user_id:
        raise NotShopOwner("This is not your shop.")
    return owner_id


def order_party(caller: Caller, row: OrderRow | None) -> str:
    """`buyer`, `seller` or `admin` for a caller party to the order; OrderNotFound otherwise."""
    if row is not None:
        if caller.is_admin:
            return "admin"
        if caller.user_id is not None and caller.user_id == row.buyer_id:
            return "buyer"
        if caller.user_id is not None and caller.user_id == row.seller_id:
            return "seller"
    raise OrderNotFound("There is no such order.")
