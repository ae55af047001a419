"""What every catalog use case shares: ids, time, and loading rows with their access checks."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.catalog.domain.errors import NotForSale
from services.catalog.domain.shops import ShopStatus, can_manage_products
from services.catalog.models import GlobalOption, Product, Shop
from services.common import clock
from services.common.caller import Caller
from services.common.errors import Forbidden, NotFound

Row = TypeVar("Row", Shop, Product)


def new_id() -> str:
    return str(uuid.uuid4())


def now() -> datetime:
    return clock.now()


def as_uuid(value: object) -> str | None:
    """The canonical text of a UUID, or None when `value` is not one (so it matches nothing)."""
    try:
        return str(uuid.UUID(str(value)))
    except (ValueError, TypeError, AttributeError):
        return None


def _by_id(session: Session, model: type[Row], row_id: object, lock: bool) -> Row | None:
    """The row of `model` with this id (locked with `lock`); None for an id that is not a UUID."""
    key = as_uuid(row_id)
    if key is None:
        return None
    query = select(model).where(model.id == key)
    if lock:
        query = query.with_for_update()
    return session.execute(query).scalar_one_or_none()


def find_shop(session: Session, shop_id: object, *, lock: bool = False) -> Shop | None:
    return _by_id(session, Shop, shop_id, lock)


def get_shop(session: Session, shop_id: object, *, lock: bool = False) -> Shop:
    shop = find_shop(session, shop_id, lock=lock)
    if shop is None:
        raise NotFound("There is no such shop.", "shop_not_found")
    return shop


def is_owner(caller: Caller, shop: Shop) -> bool:
    return caller.user_id is not None and caller.user_id == shop.owner_id


def owned_shop(session: Session, caller: Caller, shop_id: object, *, lock: bool = False) -> Shop:
    """The caller's own shop; someone else's is refused (403) before any body is read."""
    shop = get_shop(session, shop_id, lock=lock)
    if not is_owner(caller, shop):
        raise Forbidden("Only the shop's owner may do this.", "not_owner")
    return shop


def ensure_manageable(shop: Shop) -> None:
    """Blocked and banned shops cannot change their products (seed 003, sanctions)."""
    if not can_manage_products(ShopStatus(shop.status)):
        raise NotForSale(f"The shop is {shop.status}: its products cannot be changed.",
                         code="shop_" + shop.status)


def find_product(session: Session, product_id: object, *, lock: bool = False) -> Product | None:
    return _by_id(session, Product, product_id, lock)


def find_product_and_shop(session: Session, product_id: object,
                          *, lock: bool = False) -> tuple[Product, Shop] | None:
    """A product and its shop in one query (with `lock`, the product's row is locked)."""
    key = as_uuid(product_id)
    if key is None:
        return None
    query = select(Product, Shop).join(Shop, Shop.id == Product.shop_id).where(Product.id == key)
    if lock:
        query = query.with_for_update(of=Product)
    row = session.execute(query).one_or_none()
    return None if row is None else (row[0], row[1])


def product_not_found() -> NotFound:
    return NotFound("There is no such product.", "product_not_found")


def owned_product(session: Session, caller: Caller, product_id: object,
                  *, lock: bool = False) -> tuple[Product, Shop]:
    found = find_product_and_shop(session, product_id, lock=lock)
    if found is None:
        raise product_not_found()
    product, shop = found
    if not is_owner(caller, shop):
        raise Forbidden("Only the shop's owner may change its products.", "not_owner")
    return product, shop


def visible_product(session: Session, caller: Caller, product_id: object) -> tuple[Product, Shop]:
    """A product the caller may see: listed, or the caller's own (or an admin's view)."""
    found = find_product_and_shop(session, product_id)
    if found is None:
        raise product_not_found()
    product, shop = found
    if not (product.listed or is_owner(caller, shop) or caller.is_admin):
        raise product_not_found()
    return product, shop


def global_options_of(session: Session, shop_id: str, ids: list[str]) -> list[GlobalOption]:
    """The shop's global options with these ids, in the order given (unknown ones left out)."""
    if not ids:
        return []
    rows = session.execute(
        select(GlobalOption).where(GlobalOption.shop_id == shop_id, GlobalOption.id.in_(ids))
    ).scalars()
    by_id = {row.id: row for row in rows}
    return [by_id[i] for i in ids if i in by_id]
