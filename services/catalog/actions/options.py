"""A shop's global options (attached to products by id) and its collections of products."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from services.catalog.domain.errors import OptionInvalid
from services.catalog.domain.model import Option
from services.catalog.domain.products import validate_option
from services.catalog.domain.shops import ShopStatus, shop_visible
from services.catalog.models import Collection, GlobalOption, Product
from services.common.caller import Caller
from services.common.errors import Invalid, NotFound
from services.common.paging import PageRequest
from services.common.uow import UnitOfWork

from .common import as_uuid, ensure_manageable, get_shop, is_owner, new_id, now, owned_shop
from .views import collection_payload, global_option_payload

MAX_GLOBAL_OPTIONS = 100


def create_global_option(uow: UnitOfWork, caller: Caller, data: dict[str, Any]) -> dict[str, Any]:
    """A command: run once per request id."""
    with uow:
        session = uow.session
        shop = owned_shop(session, caller, data["shop_id"])
        ensure_manageable(shop)
        option = validate_option(Option.from_dict(
            {key: data[key] for key in ("name", "kind", "required", "variants")}))
        count = len(session.execute(
            select(GlobalOption.id).where(GlobalOption.shop_id == shop.id)).all())
        if count >= MAX_GLOBAL_OPTIONS:
            raise OptionInvalid("Too many global options.",
                                errors={"_schema": [f"A shop has at most {MAX_GLOBAL_OPTIONS}."]})
        row = GlobalOption(
            id=new_id(), shop_id=shop.id, name=option.name.strip(), kind=option.kind.value,
            required=option.required, created_at=now(),
            variants=[{"id": new_id(), "label": v.label.strip(), "price_delta": v.price_delta}
                      for v in option.variants],
        )
        session.add(row)
        return global_option_payload(row, shop.currency)


def list_global_options(uow: UnitOfWork, caller: Caller, data: dict[str, Any]) -> dict[str, Any]:
    """The owner's page of the shop's global options, oldest first."""
    page = PageRequest(data["page"], data["per_page"])
    with uow.reading() as session:
        shop = owned_shop(session, caller, data["shop_id"])
        mine = GlobalOption.shop_id == shop.id
        rows = session.execute(
            select(GlobalOption).where(mine).order_by(GlobalOption.created_at, GlobalOption.id)
            .offset(page.offset).limit(page.per_page)
        ).scalars()
        items = [global_option_payload(row, shop.currency) for row in rows]
        return page.page_of(items, _count(session, GlobalOption, mine))


def create_collection(uow: UnitOfWork, caller: Caller, data: dict[str, Any]) -> dict[str, Any]:
    """A command: run once per request id."""
    with uow:
        session = uow.session
        shop = owned_shop(session, caller, data["shop_id"])
        name = data["name"].strip()
        ids = list(dict.fromkeys(as_uuid(i) or str(i) for i in data["product_ids"]))
        own = set(session.execute(
            select(Product.id).where(Product.shop_id == shop.id, Product.id.in_(ids))
        ).scalars()) if ids else set()
        errors = {f"product_ids.{n}": ["This shop has no such product."]
                  for n, i in enumerate(ids) if i not in own}
        if not name:
            errors["name"] = ["Give the collection a name."]
        if errors:
            raise Invalid("The collection is not valid.", "invalid_collection", errors)
        row = Collection(id=new_id(), shop_id=shop.id, name=name, product_ids=ids,
                         cover=data["cover"], created_at=now())
        session.add(row)
        return collection_payload(row, ids)


def list_collections(uow: UnitOfWork, caller: Caller, data: dict[str, Any]) -> dict[str, Any]:
    """Anyone may list a shop's collections (a page, oldest first); others see only the products
    they may see."""
    page = PageRequest(data["page"], data["per_page"])
    with uow.reading() as session:
        shop = get_shop(session, data["shop_id"])
        owner = is_owner(caller, shop)
        if not (shop_visible(ShopStatus(shop.status), owner) or caller.is_admin):
            raise NotFound("There is no such shop.", "shop_not_found")
        mine = Collection.shop_id == shop.id
        rows = list(session.execute(
            select(Collection).where(mine).order_by(Collection.created_at, Collection.id)
            .offset(page.offset).limit(page.per_page)
        ).scalars())
        total = _count(session, Collection, mine)
        if owner:
            return page.page_of([collection_payload(row, list(row.product_ids)) for row in rows],
                                total)
        wanted = {i for row in rows for i in row.product_ids}
        listed = set(session.execute(
            select(Product.id).where(Product.id.in_(wanted), Product.listed)
        ).scalars()) if wanted else set()
        return page.page_of([collection_payload(row, [i for i in row.product_ids if i in listed])
                             for row in rows], total)


def _count(session: Session, table: type, where: Any) -> int:
    return session.execute(select(func.count()).select_from(table).where(where)).scalar_one()
