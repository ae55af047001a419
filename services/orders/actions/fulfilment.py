"""What other services tell the orders service: payments taken, shipments made and moving.

`record_shipment` is the shipping service asking, before it commits a shipment, that the order
take it now (one transaction: `paid` → `shipped` through the transition table, or a further track
on a `shipped` order); it is idempotent by shipment id, and a track already held (same carrier and
number) answers the shipment that holds it, so shipping keeps one id for it in both services.

Each handler is `fn(uow, data)` and runs inside the event's transaction (`uow.session`,
`uow.record`; the inbox makes a redelivery a no-op). A payment
for an order that can no longer take one (cancelled, expired) raises `wrong_state`: the event is
retried and then dead-lettered, where an operator sees money that has to be refunded.
"""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import select

from services.common import clock
from services.common.caller import Caller
from services.common.errors import Conflict, Forbidden
from services.common.runtime.messaging import TooEarly
from services.common.uow import UnitOfWork

from ..domain import Action, Role, can
from ..models import Order, Payment, Shipment
from .common import apply, get_order, note_fact, party

log = logging.getLogger(__name__)

PAYMENT_ACTIONS = {"full": Action.PAY_FULL, "advance": Action.PAY_ADVANCE,
                   "balance": Action.PAY_BALANCE}


def payment_succeeded(uow: UnitOfWork, data: dict[str, Any]) -> None:
    """payment.succeeded → paid (full, balance) or partially_paid (advance)."""
    now, session = clock.now(), uow.session
    order = get_order(session, data["order_id"], lock=True)
    payment_id = str(data["payment_id"])
    if session.get(Payment, payment_id) is not None:
        return
    amount = data["amount"]
    if amount["currency"] != order.currency:
        raise ValueError(f"payment {payment_id} is in {amount['currency']}, "
                         f"order {order.id} in {order.currency}")
    apply(uow, order, PAYMENT_ACTIONS[data["part"]], Role.SYSTEM, now,
          reason=f"payment {data['part']}: {amount['amount']}",
          event_data={"amount": amount})
    session.add(Payment(id=payment_id, order_id=order.id, part=data["part"],
                        amount=amount["amount"], received_at=now))
    order.paid_amount += amount["amount"]
    order.updated_at = now


def record_shipment(uow: UnitOfWork, caller: Caller, data: dict[str, Any]) -> dict[str, Any]:
    """The shipping service's shipment (`{order_id, shipment_id, shop_id, carrier,
    tracking_number?, tracking_url?}`, the shape of `shipment.created`) taken by the order before
    shipping commits it: `paid` → `shipped` (`order.shipped`), or a further track on a `shipped`
    order (a history entry). Its seller (or an admin) only; anywhere else in the lifecycle
    `wrong_state` (409) and nothing is written. A shipment id already held, or the same carrier
    and tracking number already held, changes nothing and answers that shipment:
    `{shipment_id, order_id, status}`."""
    now = clock.now()
    with uow:
        session = uow.session
        order = get_order(session, data["order_id"], lock=True)
        who = party(order, caller)
        if who.role not in (Role.SELLER, Role.ADMIN):
            raise Forbidden("Only the order's seller ships it.", "wrong_role")
        held = _held_shipment(session, order, data)
        if held is not None:
            return {"shipment_id": held.id, "order_id": order.id, "status": order.status}
        track = _track(data)
        # The seller's move, whoever enters it (an admin acts in the seller's place).
        if can(order.status, Action.SHIP, Role.SELLER):
            apply(uow, order, Action.SHIP, Role.SELLER, now, actor_id=who.actor_id,
                  reason=f"shipment: {track}")
        elif can(order.status, Action.ADD_SHIPMENT, Role.SELLER):
            note_fact(order, now, Role.SELLER, f"shipment added: {track}", actor_id=who.actor_id,
                      action=Action.ADD_SHIPMENT.value)
            order.updated_at = now
        else:
            raise Conflict(f"An order is shipped once paid; this one is {order.status}.",
                           "wrong_state")
        shipment_id = str(data["shipment_id"])
        order.shipments.append(Shipment(
            id=shipment_id, carrier=data["carrier"], tracking_number=data.get("tracking_number"),
            tracking_url=data.get("tracking_url"), status="created", created_at=now,
        ))
        return {"shipment_id": shipment_id, "order_id": order.id, "status": order.status}


def _held_shipment(session, order: Order, data: dict[str, Any]) -> Shipment | None:
    held = session.get(Shipment, str(data["shipment_id"]))
    if held is not None:
        if held.order_id != order.id:
            raise Conflict("This shipment belongs to another order.", "shipment_of_another_order")
        return held
    number = data.get("tracking_number")
    if not number:
        return None  # a track without a number is always a shipment of its own
    return session.scalars(select(Shipment).where(
        Shipment.order_id == order.id, Shipment.carrier == data["carrier"],
        Shipment.tracking_number == number)).first()


def _track(data: dict[str, Any]) -> str:
    return f"{data['carrier']} {data.get('tracking_number') or ''}".strip()


def shipment_created(uow: UnitOfWork, data: dict[str, Any]) -> None:
    """shipment.created → shipped; a further shipment of an order shipped already (the table's
    repeat of `ship`) only adds its track; before paid it is `wrong_state`. A shipment the order
    holds already (taken by `record_shipment` before shipping committed it) changes nothing."""
    now, session = clock.now(), uow.session
    order = get_order(session, data["order_id"], lock=True)
    shipment_id = str(data["shipment_id"])
    if session.get(Shipment, shipment_id) is not None:
        return
    order.shipments.append(Shipment(
        id=shipment_id, carrier=data["carrier"], tracking_number=data.get("tracking_number"),
        tracking_url=data.get("tracking_url"), status="created", created_at=now,
    ))
    track = _track(data)
    shipped = apply(uow, order, Action.SHIP, Role.SELLER, now, reason=f"shipment: {track}")
    if not shipped.applied:
        note_fact(order, now, Role.SELLER, f"shipment added: {track}")


def shipment_status_changed(uow: UnitOfWork, data: dict[str, Any]) -> None:
    """shipment.status_changed → the shipment's status and a history entry; the order stays."""
    now, session = clock.now(), uow.session
    order = get_order(session, data["order_id"], lock=True)
    shipment = session.get(Shipment, str(data["shipment_id"]))
    if shipment is None:
        # shipment.created (another queue) not handled yet: parked, and tried again after it
        raise TooEarly(f"shipment {data['shipment_id']} of order {order.id} is not known yet")
    shipment.status = data["status"]
    note_fact(order, now, Role.SYSTEM, f"shipment {data['status']}")
    order.updated_at = now
