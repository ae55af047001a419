"""Shops: one per seller; profile, rules and contacts; vacation; a seller's shop for `/me`; the
shop's rating.

Events: `shop.created`; `shop.updated` whenever something its product pages show changes (here the
profile and the vacation; `effects` for its status, label and online payment)."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, exists, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from services.catalog.domain.errors import ShopInvalid
from services.catalog.domain.ratings import ShopRating
from services.catalog.domain.shops import (
    ShopRules,
    ShopStatus,
    Vacation,
    contact_methods,
    shop_visible,
    validate_shop_profile,
    validate_vacation,
)
from services.catalog.models import Product, Shop
from services.common.caller import Caller
from services.common.errors import Conflict, NotFound
from services.common.uow import UnitOfWork

from .common import ensure_manageable, get_shop, is_owner, new_id, now, owned_shop
from .views import shop_payload

INVALID = "The shop breaks a rule."


def _checked_profile(data: dict[str, Any]) -> tuple[str, ShopRules, list[str]]:
    name = (data.get("name") or "").strip()
    rules = ShopRules.from_dict(data.get("rules"))
    validate_shop_profile(name, data.get("currency"), rules, data.get("contact_methods"))
    methods = [m.value for m in contact_methods(data.get("contact_methods"))]
    return name, rules, methods


def new_shop_columns(data: dict[str, Any], owner_id: str, moment: datetime,
                     **given: Any) -> dict[str, Any]:
    """The one place a shop's body (ShopIn, loaded) becomes a new shop's columns, checked by the
    domain: active, without labels (an import gives some of them: `given`)."""
    name, rules, methods = _checked_profile(data)
    return {"id": new_id(), "owner_id": owner_id, "name": name, "currency": data["currency"],
            "about": data["about"], "delivery_and_payment": data["delivery_and_payment"],
            "logo_url": data["logo_url"], "banner_url": data["banner_url"],
            "rules": asdict(rules), "contact_methods": methods, "legal": data["legal"],
            "vacation": None, "status": ShopStatus.ACTIVE.value, "reliable_seller": False,
            "online_payment": False, "created_at": moment, "updated_at": moment, **given}


def create_shop(uow: UnitOfWork, caller: Caller, data: dict[str, Any]) -> dict[str, Any]:
    """A seller's one shop (a command: run once per request id). Records `shop.created`, so other
    services keep who owns it."""
    caller.require("seller")
    columns = new_shop_columns(data, caller.user_id, now())
    with uow:
        session = uow.session
        if session.execute(select(Shop.id).where(Shop.owner_id == caller.user_id)).first():
            raise Conflict("This seller already has a shop.", "shop_exists")
        shop = Shop(**columns)
        session.add(shop)
        try:
            with session.begin_nested():
                session.flush()
        except IntegrityError:
            raise Conflict("This seller already has a shop.", "shop_exists") from None
        uow.record("shop.created", {"shop_id": shop.id, "owner_id": shop.owner_id},
                   aggregate_id=shop.id)
        return shop_payload(shop, now=shop.created_at)


def get_shop_view(uow: UnitOfWork, caller: Caller, data: dict[str, Any]) -> dict[str, Any]:
    with uow.reading() as session:
        shop = get_shop(session, data["shop_id"])
        owner = is_owner(caller, shop)
        if not (shop_visible(ShopStatus(shop.status), owner) or caller.is_admin):
            raise NotFound("There is no such shop.", "shop_not_found")
        return shop_payload(shop, now=now())


def update_shop(uow: UnitOfWork, caller: Caller, data: dict[str, Any]) -> dict[str, Any]:
    with uow:
        session = uow.session
        shop = owned_shop(session, caller, data["shop_id"], lock=True)
        ensure_manageable(shop)
        merged = {
            "name": data.get("name", shop.name),
            "currency": data.get("currency", shop.currency),
            "rules": {**shop.rules, **data.get("rules", {})},
            "contact_methods": data.get("contact_methods", shop.contact_methods),
        }
        name, rules, methods = _checked_profile(merged)
        if merged["currency"] != shop.currency and session.execute(
            select(exists().where(Product.shop_id == shop.id))
        ).scalar():
            raise ShopInvalid(INVALID, errors={
                "currency": ["The currency cannot change once the shop has products."]})
        shop.name, shop.currency, shop.rules, shop.contact_methods = (
            name, merged["currency"], asdict(rules), methods)
        for field in ("about", "delivery_and_payment", "logo_url", "banner_url", "legal"):
            if field in data:
                setattr(shop, field, data[field])
        shop.updated_at = now()
        record_updated(uow, shop)
        return shop_payload(shop, now=shop.updated_at)


def record_updated(uow: UnitOfWork, shop: Shop) -> None:
    uow.record("shop.updated", {"shop_id": shop.id}, aggregate_id=shop.id)


def set_vacation(uow: UnitOfWork, caller: Caller, data: dict[str, Any]) -> dict[str, Any]:
    with uow:
        shop = owned_shop(uow.session, caller, data["shop_id"], lock=True)
        moment = now()
        vacation = validate_vacation(
            Vacation(data["message"].strip(), data["starts_on"], data["ends_on"],
                     data["allow_cart"]),
            moment.date(),
        )
        shop.vacation = {"message": vacation.message,
                         "starts_on": vacation.starts_on.isoformat(),
                         "ends_on": vacation.ends_on.isoformat(),
                         "allow_cart": vacation.allow_cart}
        shop.updated_at = moment
        record_updated(uow, shop)
        return shop_payload(shop, now=moment)


def end_vacation(uow: UnitOfWork, caller: Caller, data: dict[str, Any]) -> dict[str, Any]:
    with uow:
        shop = owned_shop(uow.session, caller, data["shop_id"], lock=True)
        shop.vacation = None
        shop.updated_at = now()
        record_updated(uow, shop)
        return shop_payload(shop, now=shop.updated_at)


# Asked on every seller's `GET /me`: a Core statement built once, run on the session's connection.
_SHOP_OF_OWNER = select(Shop.__table__.c.id).where(Shop.__table__.c.owner_id == bindparam("owner"))


def seller_shop(uow: UnitOfWork, caller: Caller, data: dict[str, Any]) -> dict[str, Any] | None:
    with uow.reading() as session:
        shop_id = session.connection().execute(
            _SHOP_OF_OWNER, {"owner": str(data["user_id"])}
        ).scalar_one_or_none()
    return None if shop_id is None else {"shop_id": shop_id}


def add_rating(session: Session, shop_id: str, rating: int) -> bool:
    """One more rating (1..5) in the shop's rating, added in place by one UPDATE (concurrent
    ratings never overwrite each other). Every source of a rating comes here: a public review
    (`review.posted`), later moderation's permanent negative review. False if the catalog has no
    such shop."""
    one = ShopRating().added(rating)
    changed = session.execute(
        update(Shop).where(Shop.id == str(shop_id))
        .values(rating_sum=Shop.rating_sum + one.total, rating_count=Shop.rating_count + one.count)
        .execution_options(synchronize_session=False)
    )
    return changed.rowcount == 1
