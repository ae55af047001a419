"""A shop's delivery methods: its own (stored) and the four universal ones (derived, on/off stored).

Methods are listed own first, in the order they were created, then the universal ones in the
domain's order (Russian Post, CDEK pickup point, courier, other). Creating a method records no
event: no other service follows delivery settings; checkout asks for a price when it needs one.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from services.shipping import domain
from services.shipping.errors import MethodNotFound
from services.shipping.models import DeliveryMethodRow, UniversalMethodSetting
from services.shipping.schemas import MethodSchema, check


def create_method(session: Session, shop_id: str, body: Mapping[str, Any], now: datetime) -> dict:
    """Store a seller's own method; raises InvalidDeliveryMethod (per field) and writes nothing."""
    method_id = str(uuid.uuid4())
    method = check(MethodSchema, body, lambda data: domain.parse_method(data, method_id=method_id))
    row = DeliveryMethodRow(id=method_id, shop_id=shop_id, created_at=now)
    _write(row, method, now)
    session.add(row)
    session.flush()
    return method.to_dict()


def shop_methods(session: Session, shop_id: str) -> list[domain.DeliveryMethod]:
    """The shop's methods as quotes see them: own methods, then the four universal ones."""
    rows = session.scalars(
        select(DeliveryMethodRow)
        .where(DeliveryMethodRow.shop_id == shop_id)
        .order_by(DeliveryMethodRow.created_at, DeliveryMethodRow.id)
    ).all()
    return [_method(row) for row in rows] + _universal(session, shop_id)


def list_methods(session: Session, shop_id: str) -> dict:
    return {"items": [method.to_dict() for method in shop_methods(session, shop_id)]}


def get_method(session: Session, shop_id: str, method_id: str) -> dict:
    for method in shop_methods(session, shop_id):
        if method.id == method_id:
            return method.to_dict()
    raise _not_found()


def patch_method(
    session: Session, shop_id: str, method_id: str, changes: Mapping[str, Any], now: datetime
) -> dict:
    """Apply a partial change; universal methods accept only `enabled`. Nothing written if refused."""
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


def _method(row: DeliveryMethodRow) -> domain.DeliveryMethod:
    """A stored method read back through the domain (it was valid when stored)."""
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
    row.updated_at = now


def _not_found() -> MethodNotFound:
    return MethodNotFound("No such delivery method in this shop.")
