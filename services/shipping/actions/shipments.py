"""Shipments: the tracks a seller gives for an order.

Who and when, checked in this order:
- the caller has the role seller or admin (403 `wrong_role`), and is the order's seller (an admin
  may ship any): otherwise 404 `order_not_found`, the same answer as for an order that does not
  exist, so ids cannot be probed;
- the body (422: carrier, tracking number per carrier);
- the order is `paid` or already `shipped` (`domain.check_shippable`, 409 `wrong_state`).
Shipping knows orders from the order events (`following`). When those do not allow the shipment
(the order's `order.placed` or `order.paid` still on the way: a seller quicker than the events),
the orders service is asked how the order stands now, with the caller's identity, and its answer
decides (the events catch up later); when it cannot answer, what the events said stands.

Then the orders service takes the shipment first (`record_shipment`, outside any transaction, with
the caller's identity): in one transaction of its own it moves a paid order to `shipped` (or adds
the track to a shipped one) and keeps the shipment, so `GET /orders/{id}` shows it as soon as the
seller has the 201. If it refuses (an order cancelled meanwhile: 409 `wrong_state`), shipping
writes nothing and the refusal is the answer. Only then does shipping commit its shipment and
`shipment.created` (whose handler in orders finds the shipment held and does nothing).

One id for the shipment in both services: `domain.shipment_id_for` derives it from the order and
the command (the caller and its request id, the client's Idempotency-Key when it sent one), and
orders answers the id it holds (the same one, or, for a track it already holds under another id,
that one). So if shipping fails between the two commits, the client's retry with the same key
derives the same id, orders answers that it has it, and shipping commits it: one shipment in each.
(A retry under a new key of a track without a number is a new shipment, as every numberless track
is; the first one then stays in orders alone.)

Rules (the API's "on an order already shipped it adds the track and notifies again"):
- every new track is a shipment of its own and records `shipment.created` with the seller's
  `notify_buyer`, so a second track on a shipped order reaches the buyer as a new notice;
- the same carrier and tracking number again on the same order is the same shipment (a retried
  call): it is returned as it is and nothing is recorded again;
- a track without a number (a courier, "other") is always a new shipment;
- once an order has a shipment its shipping details are given: the overdue job leaves it alone,
  whether or not `order.shipped` has arrived yet.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from services.common import clock
from services.common.caller import Caller
from services.common.errors import NotFound, OrderNotFound, Unavailable
from services.common.uow import UnitOfWork
from services.shipping import domain
from services.shipping.errors import UnknownCarrier
from services.shipping.models import ShipmentHistoryRow, ShipmentRow
from services.shipping.schemas import ShipmentSchema, check

from .access import SELLERS, KnownOrder, check_seller, find_order, find_shop
from .common import iso
from .deadlines import close_for_shipment

ADD_SHIPMENT = "add_shipment"  # the command's name in the command log (`run_once`)


def add_shipment(uow: UnitOfWork, caller: Caller, data: Mapping[str, Any]) -> dict:
    """Add a track (`{order_id, body: {carrier, tracking_number?, notify_buyer?}}`) to the
    order; returns the shipment. A command (`run_once(ADD_SHIPMENT, ...)`): refused, it writes
    nothing, here or in orders."""
    earlier = uow.earlier_answer(ADD_SHIPMENT, caller)
    if earlier is not None:
        return earlier
    order = authorize_order(uow, caller, data["order_id"])
    body = data["body"]
    carrier, number = check(ShipmentSchema, body, _carrier_and_number)
    notify = body.get("notify_buyer", True)
    order = shippable(uow, caller, order)
    if number is not None:
        with uow.reading() as session:
            existing = _same_track(session, order.order_id, carrier, number)
            if existing is not None:
                return shipment_dict(session, existing)
    url = domain.tracking_url(carrier, number)
    event = {
        "shipment_id": domain.shipment_id_for(order.order_id, caller.user_id, caller.command_id),
        "order_id": order.order_id,
        "shop_id": order.shop_id,
        "carrier": carrier.value,
        "tracking_number": number,
        "tracking_url": url,
        "notify_buyer": notify,
    }
    # Orders first, outside any transaction: its refusal (409 wrong_state) leaves nothing here.
    taken = uow.peers.orders.record_shipment(order.order_id, event)
    event["shipment_id"] = str(taken["shipment_id"])
    with uow:
        session, now = uow.session, clock.now()
        existing = session.get(ShipmentRow, event["shipment_id"])
        if existing is None and number is not None:
            existing = _same_track(session, order.order_id, carrier, number)
        if existing is not None:  # committed by a concurrent call of the same command or track
            return shipment_dict(session, existing)
        row = ShipmentRow(
            id=event["shipment_id"],
            order_id=order.order_id,
            shop_id=order.shop_id,
            carrier=carrier.value,
            tracking_number=number,
            tracking_url=url,
            status=domain.ShipmentStatus.CREATED.value,
            notify_buyer=notify,
            created_at=now,
            updated_at=now,
            next_poll_at=None,
        )
        try:
            with session.begin_nested():
                session.add(row)
        except IntegrityError:  # the same shipment or track, added concurrently: that one stands
            existing = session.get(ShipmentRow, row.id) or (
                None if number is None else _same_track(session, order.order_id, carrier, number))
            if existing is None:
                raise
            return shipment_dict(session, existing)
        session.add(
            ShipmentHistoryRow(
                shipment_id=row.id, at=now, from_status=None, to_status=row.status,
                source="seller",
            )
        )
        close_for_shipment(session, order.order_id, order.shop_id, now)
        uow.record("shipment.created", event, aggregate_id=order.order_id)
        session.flush()
        return shipment_dict(session, row)


def authorize_order(uow: UnitOfWork, caller: Caller, order_id: str) -> KnownOrder:
    """The order, if the caller may ship it (its seller, or an admin); raises otherwise."""
    caller.require(*SELLERS)
    known = find_order(uow, order_id)
    if known is None or known.seller_id is None:
        return _as_orders_sees_it(uow, caller, order_id, known)
    check_seller(caller, known.seller_id)
    return known


def shippable(uow: UnitOfWork, caller: Caller, order: KnownOrder) -> KnownOrder:
    """The order, if it may be shipped now; OrderNotShippable (409) otherwise."""
    if not domain.may_ship(order.status) and not order.current:
        order = _as_orders_sees_it(uow, caller, order.order_id, order)
    domain.check_shippable(order.status)
    return order


def _as_orders_sees_it(uow: UnitOfWork, caller: Caller, order_id: str,
                       known: KnownOrder | None) -> KnownOrder:
    try:
        answer = uow.peers.orders.order(order_id)
    except (NotFound, Unavailable):
        # The orders service cannot tell more (it does not answer, or not to this caller): what
        # the events said stands.
        if known is None:
            raise OrderNotFound("No such order.") from None
        check_seller(caller, known.seller_id)
        return known
    shop_id = str(answer["shop_id"])
    seller_id = known.seller_id if known is not None else None
    if seller_id is None:
        shop = find_shop(uow, shop_id)
        seller_id = None if shop is None else shop.owner_id
    check_seller(caller, seller_id)
    buyer_id = answer.get("buyer_id")
    return KnownOrder(order_id, shop_id, seller_id, None if buyer_id is None else str(buyer_id),
                      str(answer["status"]), current=True)


def list_shipments(uow: UnitOfWork, data: Mapping[str, Any]) -> dict:
    with uow.reading() as session:
        rows = session.scalars(
            select(ShipmentRow)
            .where(ShipmentRow.order_id == data["order_id"])
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
            "Unknown carrier.", errors={"carrier": [f"Unknown carrier; use one of {known}."]}
        ) from None
    return carrier, domain.validate_optional_tracking_number(carrier, data.get("tracking_number"))


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
