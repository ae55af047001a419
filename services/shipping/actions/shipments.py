"""Shipments: the tracks a seller gives for an order.

Rules (the API's "on an order already shipped it adds the track and notifies again"):
- every new track is a shipment of its own and records `shipment.created` with the seller's
  `notify_buyer`, so a second track on a shipped order reaches the buyer as a new notice;
- the same carrier and tracking number again on the same order is the same shipment (a retried
  call): it is returned as it is and nothing is recorded again;
- a track without a number (a courier, "other") is always a new shipment;
- once an order has a shipment its shipping details are given: the overdue job leaves it alone,
  whether or not `order.shipped` has arrived yet.
Whether the order may be shipped at all (paid, not cancelled) is the orders service's rule; it
calls `add_shipment` once it has allowed the move.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from services.common.outbox import EventRecorder
from services.shipping import domain
from services.shipping.errors import OrderOfAnotherShop, UnknownCarrier
from services.shipping.models import OrderToShip, ShipmentHistoryRow, ShipmentRow
from services.shipping.schemas import ShipmentSchema, check

from .common import iso
from .deadlines import close_for_shipment


def add_shipment(
    session: Session,
    recorder: EventRecorder,
    order_id: str,
    shop_id: str,
    body: Mapping[str, Any],
    now: datetime,
) -> dict:
    """Add a track to the order; returns the shipment. Raises before writing anything."""
    carrier, number = check(ShipmentSchema, body, _carrier_and_number)
    notify = body.get("notify_buyer", True)
    _check_shop(session, order_id, shop_id)
    if number is not None:
        existing = _same_track(session, order_id, carrier, number)
        if existing is not None:
            return shipment_dict(session, existing)
    row = ShipmentRow(
        id=str(uuid.uuid4()),
        order_id=order_id,
        shop_id=shop_id,
        carrier=carrier.value,
        tracking_number=number,
        tracking_url=domain.tracking_url(carrier, number),
        status=domain.ShipmentStatus.CREATED.value,
        notify_buyer=notify,
        created_at=now,
        updated_at=now,
        next_poll_at=None,
    )
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:  # the same track, added concurrently: that one stands
        existing = _same_track(session, order_id, carrier, number)
        if existing is None:
            raise
        return shipment_dict(session, existing)
    session.add(
        ShipmentHistoryRow(
            shipment_id=row.id, at=now, from_status=None, to_status=row.status, source="seller"
        )
    )
    close_for_shipment(session, order_id, shop_id, now)
    recorder.record(
        session,
        "shipment.created",
        {
            "shipment_id": row.id,
            "order_id": order_id,
            "shop_id": shop_id,
            "carrier": row.carrier,
            "tracking_number": number,
            "tracking_url": row.tracking_url,
            "notify_buyer": notify,
        },
        aggregate_id=order_id,
    )
    session.flush()
    return shipment_dict(session, row)


def list_shipments(session: Session, order_id: str) -> dict:
    rows = session.scalars(
        select(ShipmentRow)
        .where(ShipmentRow.order_id == order_id)
        .order_by(ShipmentRow.created_at, ShipmentRow.id)
    ).all()
    return {"items": [shipment_dict(session, row) for row in rows]}


def shipment_dict(session: Session, row: ShipmentRow) -> dict:
    """`{id, order_id, shop_id, carrier, tracking_number, tracking_url, status, notify_buyer,
    created_at, updated_at, history: [{at, from, to, source, note}]}`."""
    history = session.scalars(
        select(ShipmentHistoryRow)
        .where(ShipmentHistoryRow.shipment_id == row.id)
        .order_by(ShipmentHistoryRow.seq)
    ).all()
    return {
        "id": row.id,
        "order_id": row.order_id,
        "shop_id": row.shop_id,
        "carrier": row.carrier,
        "tracking_number": row.tracking_number,
        "tracking_url": row.tracking_url,
        "status": row.status,
        "notify_buyer": row.notify_buyer,
        "created_at": iso(row.created_at),
        "updated_at": iso(row.updated_at),
        "history": [
            {
                "at": iso(entry.at),
                "from": entry.from_status,
                "to": entry.to_status,
                "source": entry.source,
                "note": entry.note,
            }
            for entry in history
        ],
    }


def _carrier_and_number(data: Mapping[str, Any]) -> tuple[domain.Carrier, str | None]:
    """The carrier and the normalised tracking number; UnknownCarrier or InvalidTrackingNumber."""
    try:
        carrier = domain.Carrier(data.get("carrier"))
    except ValueError:
        known = ", ".join(item.value for item in domain.Carrier)
        raise UnknownCarrier(
            "Unknown carrier.", errors={"carrier": f"Unknown carrier; use one of {known}."}
        ) from None
    return carrier, domain.validate_optional_tracking_number(carrier, data.get("tracking_number"))


def _check_shop(session: Session, order_id: str, shop_id: str) -> None:
    """Refuse a track for an order that shipping knows belongs to another shop."""
    known = session.get(OrderToShip, order_id)
    shops = {known.shop_id} if known is not None else set()
    shops.update(
        session.scalars(
            select(ShipmentRow.shop_id).where(ShipmentRow.order_id == order_id).distinct()
        ).all()
    )
    if shops and shops != {shop_id}:
        raise OrderOfAnotherShop("No such order in this shop.")


def _same_track(
    session: Session, order_id: str, carrier: domain.Carrier, number: str | None
) -> ShipmentRow | None:
    return session.scalars(
        select(ShipmentRow).where(
            ShipmentRow.order_id == order_id,
            ShipmentRow.carrier == carrier.value,
            ShipmentRow.tracking_number == number,
        )
    ).one_or_none()
