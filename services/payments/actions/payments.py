"""Paying a part of an order, and the order's payments and refunds.

`create_payment` (the order's buyer, with an Idempotency-Key):
1. a key used before by this buyer answers that payment (same order and part) or 409;
2. the order as payments' events tell it; when the events have not caught up (no such order yet,
   or a status that does not allow the part) the orders service is asked, as the buyer, outside
   any transaction: what it answers counts (404 when it shows the buyer no such order);
3. the shop must take online payment; the part must be payable (`domain.payments`), and a
   self-employed shop's receipt must fit six positions;
4. one transaction locks the order's row and writes the payment `pending`: at most one pending or
   succeeded payment per part (checked under the lock, and by a partial unique index), so of two
   concurrent `full` payments one is 201 and the other 409;
5. the provider makes its payment (idempotence key = our payment id), outside the transaction; a
   provider that fails marks the payment failed (the part is free again) and answers 503;
6. the provider's id and confirmation URL are kept; the answer is `{id, status: pending, amount,
   confirmation_url}`.
"""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from services.common import clock
from services.common.caller import Caller
from services.common.errors import Invalid, NotFound, OrderNotFound
from services.common.uow import UnitOfWork

from .. import schemas
from ..domain import payments as rules
from ..domain.errors import NotPayable
from ..kit import Kit
from ..models import OrderRow, PaymentRow, RefundRow, ShopRow
from ..providers import Account
from .access import order_party
from .common import answer_again, iso, money, new_id, open_at_provider

log = logging.getLogger(__name__)


def require_key(key: str | None) -> str:
    if not key:
        raise Invalid("An Idempotency-Key header is required.", "idempotency_key_required",
                      {"Idempotency-Key": ["Missing data for required header."]})
    return key


def create_payment(uow: UnitOfWork, caller: Caller, kit: Kit, data: dict[str, Any]) -> dict:
    caller.require("buyer")
    key = require_key(data["key"])
    order_id = data["order_id"]
    row = _order(uow, order_id)
    if row is None or row.buyer_id != caller.user_id:
        row = _ask_orders(uow, order_id, row)
        if row.buyer_id != caller.user_id:
            raise OrderNotFound("There is no such order.")
    body = schemas.load(schemas.PaymentBody, data["body"])
    part = rules.Part(body["part"])
    earlier = _by_key(uow, caller.user_id, key)
    if earlier is not None:
        return answer_again(earlier, _same_part(order_id, part), payment_view, "payment")
    with uow.reading() as session:
        shop = session.get(ShopRow, row.shop_id)
    if shop is None or not shop.enabled or shop.secret_encrypted is None:
        raise NotPayable("This shop does not take online payment; agree the payment with the "
                         "seller.")
    timing = shop.timing or "after_confirmation"
    if row.status not in rules.allowed_statuses(part, timing) or (
            part is rules.Part.ADVANCE and row.prepayment_percent is None):
        row = _ask_orders(uow, order_id, row)
    rules.check_receipt_positions((shop.legal or {}).get("form"), row.line_count,
                                  row.has_delivery)
    payment = _claim(uow, caller, key, row, part, timing, body["return_url"], shop.provider)
    if payment.get("replayed"):
        return payment["view"]
    return _open_at_provider(uow, kit, shop, payment["id"], row)


def _same_part(order_id: str, part: rules.Part):
    return lambda payment: payment.order_id == order_id and payment.part == part.value


def _by_key(uow: UnitOfWork, buyer_id: str, key: str) -> PaymentRow | None:
    with uow.reading() as session:
        return session.scalars(select(PaymentRow).where(
            PaymentRow.buyer_id == buyer_id, PaymentRow.idempotency_key == key)).first()


def _order(uow: UnitOfWork, order_id: str) -> OrderRow | None:
    with uow.reading() as session:
        return session.get(OrderRow, order_id)


def _ask_orders(uow: UnitOfWork, order_id: str, row: OrderRow | None) -> OrderRow:
    """The order as the orders service shows the caller now (outside any transaction), merged into
    what the events told (a detached row; the events keep the stored one up to date)."""
    try:
        order = uow.peers.orders.order(order_id)
    except NotFound:
        raise OrderNotFound("There is no such order.") from None
    totals = order["totals"]
    lines = order.get("lines") or []
    facts = OrderRow(
        order_id=order_id, shop_id=str(order["shop_id"]),
        buyer_id=None if order.get("buyer_id") is None else str(order["buyer_id"]),
        seller_id=row.seller_id if row is not None else None,
        status=order["status"], status_at=clock.now(),
        currency=totals["grand_total"]["currency"], grand_total=totals["grand_total"]["amount"],
        items_total=totals["items"]["amount"], line_count=len(lines),
        has_delivery=(totals.get("delivery") or {}).get("amount", 0) > 0,
        prepayment_percent=order.get("prepayment_percent"))
    if row is None:
        try:
            with uow:
                if uow.session.get(OrderRow, order_id) is None:
                    shop = uow.session.get(ShopRow, facts.shop_id)
                    stored = OrderRow(**{c.key: getattr(facts, c.key)
                                         for c in OrderRow.__table__.columns})
                    stored.seller_id = shop.owner_id if shop is not None else None
                    uow.session.add(stored)
        except IntegrityError:
            pass  # its order.placed was stored meanwhile: the row the events keep stands
    return facts


def _claim(uow: UnitOfWork, caller: Caller, key: str, facts: OrderRow, part: rules.Part,
           timing: str, return_url: str, provider: str) -> dict:
    """Write the payment `pending` under the order's lock, or refuse (409)."""
    now = clock.now()
    try:
        with uow:
            session = uow.session
            stored = session.get(OrderRow, facts.order_id, with_for_update=True)
            if stored is None:
                raise OrderNotFound("There is no such order.")
            if stored.prepayment_percent is None and facts.prepayment_percent is not None:
                stored.prepayment_percent = facts.prepayment_percent
            existing = session.scalars(select(PaymentRow).where(
                PaymentRow.order_id == facts.order_id)).all()
            paid = sum(p.amount for p in existing if p.status == rules.PaymentStatus.SUCCEEDED)
            amount = rules.amount_due(part, rules.OrderFacts(
                status=facts.status, grand_total=facts.grand_total, paid=paid,
                prepayment_percent=facts.prepayment_percent or 0, timing=timing),
                [rules.ExistingPayment(rules.Part(p.part), rules.PaymentStatus(p.status))
                 for p in existing])
            payment = PaymentRow(
                id=new_id(), order_id=facts.order_id, shop_id=facts.shop_id,
                buyer_id=caller.user_id, part=part.value, status="pending", amount=amount,
                currency=facts.currency, refunded=0, provider=provider, return_url=return_url,
                idempotency_key=key, created_at=now, updated_at=now)
            session.add(payment)
            session.flush()
            return {"id": payment.id}
    except IntegrityError:
        again = _by_key(uow, caller.user_id, key)
        if again is None:
            raise NotPayable(f"A {part.value} payment of this order is already pending.") from None
        view = answer_again(again, _same_part(facts.order_id, part), payment_view, "payment")
        return {"replayed": True, "view": view}


def _open_at_provider(uow: UnitOfWork, kit: Kit, shop: ShopRow, payment_id: str,
                      facts: OrderRow) -> dict:
    with uow.reading() as session:
        payment = session.get(PaymentRow, payment_id)
    return open_at_provider(uow, kit, payment,
                            Account(shop.account_id, kit.box.open(shop.secret_encrypted)),
                            payment_view, description=f"Order {facts.order_id} ({payment.part})",
                            metadata={"payment_id": payment.id, "order_id": facts.order_id})


def payment_view(payment: PaymentRow) -> dict:
    return {"id": payment.id, "order_id": payment.order_id, "part": payment.part,
            "status": payment.status, "amount": money(payment.amount, payment.currency),
            "refunded": money(payment.refunded, payment.currency),
            "confirmation_url": payment.confirmation_url, "created_at": iso(payment.created_at)}


def list_payments(uow: UnitOfWork, caller: Caller, data: dict[str, Any]) -> dict:
    """The order's payments and refunds, to its buyer, its seller and admins."""
    order_id = data["order_id"]
    row = _order(uow, order_id)
    if row is None:
        caller.require("buyer", "seller", "admin")
        _ask_orders(uow, order_id, None)  # 404 unless the orders service shows it to the caller
    else:
        order_party(caller, row)
    with uow.reading() as session:
        payments = session.scalars(select(PaymentRow).where(PaymentRow.order_id == order_id)
                                   .order_by(PaymentRow.created_at, PaymentRow.id)).all()
        refunds = session.scalars(select(RefundRow).where(
            RefundRow.order_id == order_id, RefundRow.status != "failed")
            .order_by(RefundRow.created_at, RefundRow.id)).all()
    return {"payments": [payment_view(p) for p in payments],
            "refunds": [refund_view(r) for r in refunds]}


def refund_view(refund: RefundRow) -> dict:
    return {"id": refund.id, "payment_id": refund.payment_id, "order_id": refund.order_id,
            "amount": money(refund.amount, refund.currency), "reason": refund.reason,
            "status": refund.status, "created_at": iso(refund.created_at)}
