"""What other services tell the orders service: payments taken, shipments made and moving.

Each handler is `fn(uow, data)` and runs inside the event's transaction (`uow.session`,
`uow.record`; the inbox makes a redelivery a no-op). A payment
for an order that can no longer take one (cancelled, expired) raises `wrong_state`: the event is
retried and then dead-lettered, where an operator sees money that has to be refunded.
"""

from __future__ import annotations

import logging
from typing import Any

from services.common import clock
from services.common.runtime.messaging import TooEarly
from services.common.uow import UnitOfWork

from ..domain import Action, Role
from ..models import Payment, Shipment
from .common import apply, get_order, note_fact

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


def shipment_created(uow: UnitOfWork, data: dict[str, Any]) -> None:
    """shipment.created → shipped; a further shipment of an order shipped already (the table's
    repeat of `ship`) only adds its track; before paid it is `wrong_state`."""
    now, session = clock.now(), uow.session
    order = get_order(session, data["order_id"], lock=True)
    shipment_id = str(data["shipment_id"])
    if session.get(Shipment, shipment_id) is None:
        order.shipments.append(Shipment(
            id=shipment_id, carrier=data["carrier"], tracking_number=data.get("tracking_number"),
            tracking_url=data.get("tracking_url"), status="created", created_at=now,
        ))
    track = f"{data['carrier']} {data.get('tracking_number') or ''}".strip()
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
