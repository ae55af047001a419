"""The tracking poller: ask the carriers where parcels are, record what changed.

One run:
1. claims up to `batch` shipments due for a poll — a tracking number, a carrier whose API is
   configured, a status that is not final, `next_poll_at` empty or past — by setting
   `next_poll_at = now + interval` in a short transaction (`FOR UPDATE SKIP LOCKED` on
   PostgreSQL, so a second replica takes other shipments; SQLite's write lock serialises them);
2. asks each carrier outside any transaction (no lock or SQLite connection is held while a
   carrier is slow; each call has a short timeout);
3. applies each report in its own transaction with the shipment row locked, through the domain's
   `apply_carrier_status`: only an allowed move changes the status, adds a history entry and
   records `shipment.status_changed`. A repeat, a step back or news after a final status does
   nothing, so two replicas that both asked about a parcel record one change between them.
A carrier that fails is logged and asked again at the next interval; an unknown status is logged.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, select

from services.common.uow import UnitOfWork
from services.shipping import domain
from services.shipping.carriers import CarrierUnavailable, TrackingApis, TrackingReport
from services.shipping.models import ShipmentHistoryRow, ShipmentRow

log = logging.getLogger(__name__)

OPEN_STATUSES = tuple(
    status.value for status in domain.ShipmentStatus if status not in domain.FINAL_STATUSES
)


@dataclass(frozen=True, slots=True)
class Claimed:
    shipment_id: str
    carrier: str
    tracking_number: str


@dataclass(frozen=True, slots=True)
class PollResult:
    asked: int
    changed: list[str]  # ids of the shipments whose status changed


def poll(
    uow: UnitOfWork,
    apis: TrackingApis,
    now: Callable[[], datetime],
    *,
    interval: timedelta,
    batch: int,
) -> PollResult:
    """One poll of the shipments that are due; see the module's rules."""
    if not apis.carriers:
        return PollResult(0, [])
    claimed = claim_due(uow, apis.carriers, now(), interval, batch)
    changed = []
    for shipment in claimed:
        try:
            report = apis.fetch(shipment.carrier, shipment.tracking_number)
        except CarrierUnavailable as exc:
            log.warning("tracking %s with %s failed: %s", shipment.shipment_id, shipment.carrier, exc)
            continue
        if report is None:
            continue
        try:
            if apply_report(uow, shipment.shipment_id, report, now()):
                changed.append(shipment.shipment_id)
        except domain.UnknownShipmentStatus:
            log.warning(
                "%s reported an unknown status %r for shipment %s",
                shipment.carrier, report.status, shipment.shipment_id,
            )
    return PollResult(len(claimed), changed)


def claim_due(
    uow: UnitOfWork, carriers: list[str], now: datetime, interval: timedelta, batch: int
) -> list[Claimed]:
    with uow:
        rows = uow.session.scalars(
            select(ShipmentRow)
            .where(
                ShipmentRow.status.in_(OPEN_STATUSES),
                ShipmentRow.tracking_number.is_not(None),
                ShipmentRow.carrier.in_(carriers),
                or_(ShipmentRow.next_poll_at.is_(None), ShipmentRow.next_poll_at <= now),
            )
            .order_by(ShipmentRow.next_poll_at.asc().nulls_first(), ShipmentRow.created_at)
            .limit(batch)
            .with_for_update(skip_locked=True)
        ).all()
        for row in rows:
            row.next_poll_at = now + interval
        return [Claimed(row.id, row.carrier, row.tracking_number) for row in rows]


def apply_report(
    uow: UnitOfWork, shipment_id: str, report: TrackingReport, now: datetime
) -> bool:
    """Apply one carrier report; True when the shipment's status changed (and the event is recorded)."""
    with uow:
        session = uow.session
        row = session.get(ShipmentRow, shipment_id, with_for_update=True)
        if row is None:
            return False
        update = domain.apply_carrier_status(row.status, report.status)
        if not update.changed:
            return False
        row.status = update.status.value
        row.updated_at = now
        session.add(
            ShipmentHistoryRow(
                shipment_id=row.id,
                at=now,
                from_status=update.previous.value,
                to_status=update.status.value,
                source="carrier",
                note=report.note,
            )
        )
        uow.record(
            "shipment.status_changed",
            {
                "shipment_id": row.id,
                "order_id": row.order_id,
                "shop_id": row.shop_id,
                "status": update.status.value,
                "previous_status": update.previous.value,
            },
            aggregate_id=row.order_id,
        )
        return True
