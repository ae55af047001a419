"""Refunds (the order's seller or an admin, with an Idempotency-Key).

One transaction locks the payment, checks that its refunds stay within what it took
(`domain.refunds`: 422 otherwise), adds the amount to its `refunded` and writes the refund
`pending`: racing refunds are serialized by the lock and never exceed the payment together. The
provider refunds outside the transaction; if it fails, the amount is given back to the payment,
the refund is failed and the answer is 503. A refund done records `payment.refunded`, and counts
towards a refund owed after the order's cancellation (`refund_obligations.note_refund`).
"""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from services.common import clock
from services.common.caller import Caller
from services.common.errors import Unavailable
from services.common.uow import UnitOfWork

from .. import schemas
from ..domain.errors import PaymentNotFound
from ..domain.refunds import check_refund
from ..kit import Kit
from ..models import OrderRow, PaymentRow, RefundRow, ShopRow
from ..providers import Account, ProviderError
from . import refund_obligations
from .common import answer_again, new_id
from .payments import refund_view, require_key

log = logging.getLogger(__name__)


def create_refund(uow: UnitOfWork, caller: Caller, kit: Kit, data: dict[str, Any]) -> dict:
    caller.require("seller", "admin")
    key = require_key(data["key"])
    payment_id = data["payment_id"]
    with uow.reading() as session:
        payment = session.get(PaymentRow, payment_id)
        order = None if payment is None else session.get(OrderRow, payment.order_id)
    if payment is None or not (caller.is_admin or (
            order is not None and order.seller_id == caller.user_id)):
        raise PaymentNotFound("There is no such payment.")
    body = schemas.load(schemas.RefundBody, data["body"])
    earlier = _by_key(uow, caller.user_id, key)
    if earlier is not None:
        return answer_again(earlier, lambda refund: (refund.payment_id, refund.amount) == (
            payment_id, body["amount"]), refund_view, "refund")
    refund_id = _reserve(uow, caller, key, payment_id, body)
    if isinstance(refund_id, dict):
        return refund_id
    return _refund_at_provider(uow, kit, refund_id)


def _by_key(uow: UnitOfWork, caller_id: str, key: str) -> RefundRow | None:
    with uow.reading() as session:
        return session.scalars(select(RefundRow).where(
            RefundRow.created_by == caller_id, RefundRow.idempotency_key == key)).first()


def _reserve(uow: UnitOfWork, caller: Caller, key: str, payment_id: str, body: dict):
    try:
        with uow:
            session = uow.session
            payment = session.get(PaymentRow, payment_id, with_for_update=True)
            check_refund(payment.status, payment.amount, payment.refunded, body["amount"])
            payment.refunded += body["amount"]
            refund = RefundRow(
                id=new_id(), payment_id=payment.id, order_id=payment.order_id,
                amount=body["amount"], currency=payment.currency, reason=body["reason"],
                status="pending", created_by=caller.user_id, idempotency_key=key,
                created_at=clock.now())
            session.add(refund)
            session.flush()
            return refund.id
    except IntegrityError:
        again = _by_key(uow, caller.user_id, key)
        return answer_again(again, lambda refund: refund.payment_id == payment_id, refund_view,
                            "refund")


def _refund_at_provider(uow: UnitOfWork, kit: Kit, refund_id: str) -> dict:
    with uow.reading() as session:
        refund = session.get(RefundRow, refund_id)
        payment = session.get(PaymentRow, refund.payment_id)
        shop = session.get(ShopRow, payment.shop_id)
    try:
        provider = kit.providers.get(payment.provider)
        if provider is None or shop is None or shop.secret_encrypted is None:
            raise ProviderError("the shop's provider is not available")
        provider_refund_id = provider.refund(
            Account(shop.account_id, kit.box.open(shop.secret_encrypted)),
            payment.provider_payment_id, refund.id, refund.amount, refund.currency)
    except ProviderError as exc:
        log.warning("refund %s of payment %s failed at the provider: %s", refund.id, payment.id,
                    exc)
        with uow:
            stored = uow.session.get(PaymentRow, payment.id, with_for_update=True)
            stored.refunded -= refund.amount
            uow.session.get(RefundRow, refund.id).status = "failed"
        raise Unavailable("The payment provider did not take the refund; try again shortly.",
                          "provider_unavailable") from None
    with uow:
        stored = uow.session.get(RefundRow, refund.id, with_for_update=True)
        stored.status, stored.provider_refund_id = "succeeded", provider_refund_id
        uow.record("payment.refunded", {
            "payment_id": payment.id, "order_id": payment.order_id, "shop_id": payment.shop_id,
            "part": payment.part, "amount": {"amount": refund.amount, "currency": refund.currency},
            "refund_id": refund.id}, aggregate_id=payment.order_id)
        uow.session.flush()
        refund_obligations.note_refund(uow, payment.order_id)
        return refund_view(stored)
