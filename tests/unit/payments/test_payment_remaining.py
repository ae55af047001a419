"""`payment.succeeded` says what is left to pay on the order once the payment is in (the buyer's
receipt, seed 003): the grand total less every payment of the order that succeeded."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from services.payments.actions.webhooks import apply_outcome
from services.payments.models import Base, OrderRow, PaymentRow
from services.payments.providers.base import Outcome
from tests.support import units


def new_id() -> str:
    return str(uuid.uuid4())


def payment(order_id: str, part: str, amount: int, status: str) -> PaymentRow:
    now = datetime.now(UTC)
    return PaymentRow(id=new_id(), order_id=order_id, shop_id=new_id(), buyer_id=new_id(),
                      part=part, status=status, amount=amount, currency="RUB", refunded=0,
                      provider="sandbox", provider_payment_id=new_id(), return_url="https://x",
                      idempotency_key=new_id(), created_at=now, updated_at=now)


def test_the_advance_leaves_the_balance_and_the_balance_leaves_nothing():
    uow = units.unit_of_work(Base.metadata, "payments")
    order_id, now = new_id(), datetime.now(UTC)
    advance, balance = payment(order_id, "advance", 39000, "pending"), None
    with uow:
        uow.session.add(OrderRow(order_id=order_id, shop_id=new_id(), buyer_id=new_id(),
                                 status="confirmed", status_at=now, currency="RUB",
                                 grand_total=130000, items_total=100000, line_count=1,
                                 has_delivery=True))
        uow.session.add(advance)
    assert apply_outcome(uow, advance.id, Outcome(advance.provider_payment_id, "succeeded"),
                         source="test") == "applied"
    with uow:
        balance = payment(order_id, "balance", 91000, "pending")
        uow.session.add(balance)
    apply_outcome(uow, balance.id, Outcome(balance.provider_payment_id, "succeeded"),
                  source="test")

    told = [e["data"] for e in units.recorded(uow, "payment.succeeded")]
    assert [(d["part"], d["remaining"]) for d in told] == [
        ("advance", {"amount": 91000, "currency": "RUB"}),
        ("balance", {"amount": 0, "currency": "RUB"})]
