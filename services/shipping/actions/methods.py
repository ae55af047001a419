"""A shop's delivery methods: its own (stored) and the four universal ones (derived, on/off stored).

Only the shop's owner (or an admin) creates and changes them (`access.authorize_shop`, before the
body is checked); anyone may list them. Methods are listed own first, in the order they were
created, then the universal ones in the domain's order (Russian Post, CDEK pickup point, courier,
other). Creating a method records no event: no other service follows delivery settings; checkout
asks for a price when it needs one.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from services.common import clock
from services.common.caller import Caller
from services.common.uow import UnitOfWork
from services.shipping import domain
from services.shipping.errors import MethodNotFound
from services.shipping.models import DeliveryMethodRow, UniversalMethodSetting
from services.shipping.schemas import MethodSchema, check

from .access import authorize_shop, keep_shop, require_shop


def create_method(uow: UnitOfWork, caller: Caller, data: Mapping[str, Any]) -> dict:
    """Store one of the shop's own methods (`{shop_id, body}`); a command (`run_once`). Raises
    InvalidDeliveryMethod (per field) and writes nothing when the body breaks a rule."""
    shop = authorize_shop(uow, caller, data["shop_id"])
    method_id = str(uuid.uuid4())
    with uow:
        method = check(MethodSchema, data["body"],
                       lambda body: domain.parse_method(body, method_id=method_id))
        keep_shop(uow, shop)
        now = clock.now()
        row = DeliveryMethodRow(id=method_id, shop_id=shop.shop_id, created_at=now)
        _write(row, method, now)
        uow.session.add(row)
        uow.session.flush()
        return method.to_dict()


def list_methods(uow: UnitOfWork, data: Mapping[str, Any]) -> dict:
    """The shop's methods; ShopNotFound (404) for a shop neither shipping nor the catalog knows."""
    require_shop(uow, data["shop_id"])
    with uow.reading() as session:
        methods = shop_methods(session, data["shop_id"])
    return {"items": [method.to_dict() for method in methods]}


def get_method(uow: UnitOfWork, data: Mapping[str, Any]) -> dict:
    require_shop(uow, data["shop_id"])
    with uow.reading() as session:
        methods = shop_methods(session, data["shop_id"])
    for method in methods:
        if method.id == canonical_id(data["method_id"]):
            return method.to_dict()
    raise _not_found()


def patch_method(uow: UnitOfWork, caller: Caller, data: Mapping[str, Any]) -> dict:
    """Apply a partial change (`{shop_id, method_id, body}`); universal methods accept only
    `enabled`. Nothing is written if it is refused."""
    shop = authorize_shop(uow, caller, data["shop_id"])
    changes = {} if data["body"] is None else data["body"]
    with uow:
        keep_shop(uow, shop)
        return _patch(uow.session, shop.shop_id, canonical_id(data["method_id"]), changes,
                      clock.now())


def shop_methods(session: Session, shop_id: str) -> list[domain.DeliveryMethod]:
    """The shop's methods as quotes see them: own methods, then the four universal ones."""
    rows = session.scalars(
        select(DeliveryMethodRow)
        .where(DeliveryMethodRow.shop_id == shop_id)
        .order_by(DeliveryMethodRow.created_at, DeliveryMethodRow.id)
    ).all()
    return [_method(row) for row in rows] + _universal(session, shop_id)


# Checkout's one look-up, built once: the chosen own method's columns (no ORM object), or whether
# the chosen universal method is switched off.
_OWN_METHOD = select(
    DeliveryMethodRow.id, DeliveryMethodRow.name, DeliveryMethodRow.carrier,
    DeliveryMethodRow.destinations, DeliveryMethodRow.weight_limit_grams,
    DeliveryMethodRow.free_delivery_applies, DeliveryMethodRow.rate,
    DeliveryMethodRow.delivery_days, DeliveryMethodRow.enabled, DeliveryMethodRow.pickup,
).where(DeliveryMethodRow.id == bindparam("method_id"),
        DeliveryMethodRow.shop_id == bindparam("shop_id"))
_UNIVERSAL_ENABLED = select(UniversalMethodSetting.enabled).where(
    UniversalMethodSetting.shop_id == bindparam("shop_id"),
    UniversalMethodSetting.key == bindparam("key"))


def chosen_method(session: Session, shop_id: str, method_id: Any) -> domain.DeliveryMethod | None:
    """The one method of the shop checkout chose (as `shop_methods` shows it), in one query; None
    when the shop has no such method."""
    method_id = canonical_id(method_id)
    key = domain.universal_key(shop_id, method_id)
    if key is not None:
        enabled = session.execute(_UNIVERSAL_ENABLED,
                                  {"shop_id": shop_id, "key": key}).scalar_one_or_none()
        disabled = {method_id} if enabled is False else set()
        return next(method for method in domain.universal_methods(shop_id, disabled)
                    if method.id == method_id)
    row = session.execute(_OWN_METHOD, {"method_id": method_id, "shop_id": shop_id}).first()
    return None if row is None else _method(row)


def _patch(
    session: Session, shop_id: str, method_id: str, changes: Mapping[str, Any], now: datetime
) -> dict:
    key = domain.universal_key(shop_id, method_id)
    if key is not None:
        return _patch_universal(session, shop_id, key, method_id, changes, now)
    row = session.scalars(
        select(DeliveryMethodRow)
        .where(DeliveryMethodRow.id == method_id, DeliveryMethodRow.shop_id == shop_id)
        .with_for_update()
    ).one_or_none()
    if row is None:
        raise _not_found()
    method = check(
        MethodSchema, changes, lambda data: domain.patch_method(_method(row), data)
    )
    _write(row, method, now)
    session.flush()
    return method.to_dict()


def _patch_universal(
    session: Session,
    shop_id: str,
    key: str,
    method_id: str,
    changes: Mapping[str, Any],
    now: datetime,
) -> dict:
    [current] = [method for method in _universal(session, shop_id) if method.id == method_id]
    method = check(MethodSchema, changes, lambda data: domain.patch_method(current, data))
    setting = session.get(UniversalMethodSetting, (shop_id, key), with_for_update=True)
    if setting is not None:
        setting.enabled, setting.updated_at = method.enabled, now
        session.flush()
        return method.to_dict()
    try:
        with session.begin_nested():
            session.add(
                UniversalMethodSetting(
                    shop_id=shop_id, key=key, enabled=method.enabled, updated_at=now
                )
            )
    except IntegrityError:  # another replica inserted it first: ours is the later change
        setting = session.get(UniversalMethodSetting, (shop_id, key), with_for_update=True)
        setting.enabled, setting.updated_at = method.enabled, now
        session.flush()
    return method.to_dict()


def _universal(session: Session, shop_id: str) -> list[domain.DeliveryMethod]:
    switched_off = session.scalars(
        select(UniversalMethodSetting.key).where(
            UniversalMethodSetting.shop_id == shop_id, UniversalMethodSetting.enabled.is_(False)
        )
    ).all()
    disabled_ids = {domain.universal_method_id(shop_id, key) for key in switched_off}
    return domain.universal_methods(shop_id, disabled_ids)


def _method(row) -> domain.DeliveryMethod:
    """A stored method (its row or its columns) read back through the domain (it was valid when stored)."""
    return domain.parse_method(
        {
            "name": row.name,
            "carrier": row.carrier,
            "destinations": row.destinations,
            "weight_limit_grams": row.weight_limit_grams,
            "free_delivery_applies": row.free_delivery_applies,
            "rate": row.rate,
            "delivery_days": row.delivery_days,
            "enabled": row.enabled,
            "pickup": row.pickup,
        },
        method_id=row.id,
    )


def _write(row: DeliveryMethodRow, method: domain.DeliveryMethod, now: datetime) -> None:
    data = method.to_dict()
    row.name = data["name"]
    row.carrier = data["carrier"]
    row.destinations = data["destinations"]
    row.weight_limit_grams = data["weight_limit_grams"]
    row.free_delivery_applies = data["free_delivery_applies"]
    row.rate = data["rate"]
    row.delivery_days = data["delivery_days"]
    row.enabled = data["enabled"]
    row.pickup = data.get("pickup")
    row.updated_at = now


def canonical_id(value: Any) -> str:
    """A method id as stored (a UUID's canonical text); any other text stays as it is (and is no
    method's id)."""
    try:
        return str(uuid.UUID(str(value)))
    except (ValueError, TypeError, AttributeError):
        return str(value)


def _not_found() -> MethodNotFound:
    return MethodNotFound("No such delivery method in this shop.")
