"""Provider notifications, applied once; and the reconciliation of payments left pending.

`receive(provider, headers, body)` answers `(HTTP status, body)`:
- an unknown provider → 404; a body that names no payment → 400; a payment nobody made → 404;
- a forged, stale or malformed notification (the adapter's check with the shop's secret: the
  sandbox's HMAC signature, YooKassa's own answer about the payment) → 400; an amount or currency
  other than the payment's → 400. Each refusal changes nothing and is logged;
- a genuine one is applied once: the (provider, provider's payment id, event) row is unique, so a
  repeat (the provider retrying, the notification sent three times) answers 200 and changes
  nothing. `succeeded` → the payment succeeded and `payment.succeeded` (the orders service moves
  the order); `failed` → the payment failed and `payment.failed` (the part may be paid again).

`reconcile` asks the provider about payments pending longer than the setting (a notification that
never came), claiming them with `SKIP LOCKED` so replicas share the work, and applies the answer
the same way. A payment that never reached its provider (no provider id) is failed.

A shop's payment of its debt to the platform (`ledger.pay_debt`) is notified at the same address:
it is checked with the platform's own account and applied once the same way (`ledger.settle_payment`
makes its ledger entry).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import bindparam, func, or_, select, text

from services.common import clock
from services.common.uow import UnitOfWork

from ..kit import Kit
from ..models import (
    LedgerPaymentRow,
    NotificationRow,
    OrderRow,
    PaymentRow,
    ProviderPayment,
    ShopRow,
)
from ..providers import Account, BadNotification, Outcome, Provider, ProviderError
from . import ledger, refund_obligations

log = logging.getLogger(__name__)


def receive(uow: UnitOfWork, kit: Kit, provider_name: str, headers: Mapping[str, str],
            body: bytes) -> tuple[int, dict]:
    provider = kit.providers.get(provider_name)
    if provider is None:
        return _refused(404, provider_name, None, "unknown provider")
    try:
        ref = provider.payment_ref(body)
    except BadNotification as exc:
        return _refused(400, provider_name, None, f"malformed: {exc}")
    try:
        return 200, {"status": _apply_notification(uow, kit, provider, ref, headers, body)}
    except _Refusal as refusal:
        return _refused(refusal.status, provider_name, ref, str(refusal))


class _Refusal(Exception):
    """A notification refused as `status`: nothing changes."""

    def __init__(self, status: int, why: str):
        super().__init__(why)
        self.status = status


def _apply_notification(uow: UnitOfWork, kit: Kit, provider: Provider, ref: str,
                        headers: Mapping[str, str], body: bytes) -> str:
    with uow.reading() as session:  # one round trip: the payment and its shop
        found = session.execute(
            select(PaymentRow, ShopRow).outerjoin(ShopRow, ShopRow.shop_id == PaymentRow.shop_id)
            .where(PaymentRow.provider == provider.name,
                   PaymentRow.provider_payment_id == ref)).first()
    payment, shop = found if found is not None else (None, None)
    if payment is None:
        return _apply_debt_notification(uow, kit, provider, ref, headers, body)
    if shop is None or shop.secret_encrypted is None:
        raise _Refusal(404, "no such payment")
    outcome = _verified(provider, _account(kit, shop), ref, payment, headers, body)
    return apply_outcome(uow, payment.id, outcome, source="notification",
                         refund_due_hours=kit.refund_due_hours)


def _apply_debt_notification(uow: UnitOfWork, kit: Kit, provider: Provider, ref: str,
                             headers: Mapping[str, str], body: bytes) -> str:
    with uow.reading() as session:
        payment = session.scalars(select(LedgerPaymentRow).where(
            LedgerPaymentRow.provider == provider.name,
            LedgerPaymentRow.provider_payment_id == ref)).first()
    if payment is None:
        raise _Refusal(404, "no such payment")
    outcome = _verified(provider, kit.platform_account, ref, payment, headers, body)
    return apply_debt_outcome(uow, payment.id, outcome, source="notification")


def _verified(provider: Provider, account: Account, ref: str,
              payment: ProviderPayment, headers: Mapping[str, str],
              body: bytes) -> Outcome:
    """What the notification proves (checked with the account's secret), refused (400) unless it
    is genuine, about this payment and of its amount."""
    try:
        outcome = provider.verify(account, headers, body)
    except BadNotification as exc:
        raise _Refusal(400, f"not genuine: {exc}") from None
    if outcome.provider_payment_id != ref:
        raise _Refusal(400, "names another payment")
    if outcome.amount is not None and (outcome.amount, outcome.currency) != (
            payment.amount, payment.currency):
        raise _Refusal(400, "amount does not match the payment")
    return outcome


def apply_debt_outcome(uow: UnitOfWork, payment_id: str, outcome: Outcome, *,
                       source: str) -> str:
    """As `apply_outcome`, for a shop's payment of its debt to the platform."""
    if outcome.status not in ("succeeded", "failed"):
        return "pending"
    with uow:
        session = uow.session
        payment = session.get(LedgerPaymentRow, payment_id, with_for_update=True)
        if not _first_notice(session, payment.provider, outcome, payment.id):
            return "duplicate"
        if payment.status != "pending":
            log.warning("debt payment %s is %s; a %s %s changes nothing", payment.id,
                        payment.status, source, outcome.status)
            return "ignored"
        ledger.settle_payment(uow, payment, outcome.status, outcome.reason)
        log.info("debt payment %s %s (%s)", payment.id, outcome.status, source)
        return "applied"


def _refused(status: int, provider: str, ref: str | None, why: str) -> tuple[int, dict]:
    log.warning("notification refused (%s): provider=%s payment=%s: %s", status, provider, ref,
                why)
    return status, {"error": why}


def _account(kit: Kit, shop: ShopRow) -> Account:
    return Account(shop.account_id, kit.box.open(shop.secret_encrypted))


def apply_outcome(uow: UnitOfWork, payment_id: str, outcome: Outcome, *, source: str,
                  refund_due_hours: float = 24.0) -> str:
    """`applied`, `duplicate` (this event of this payment was applied before), `pending` (nothing
    to do yet) or `ignored` (the payment is final already). Money taken for an order cancelled
    meanwhile is owed back (`refund_obligations`)."""
    if outcome.status not in ("succeeded", "failed"):
        return "pending"
    with uow:
        session = uow.session
        payment, order_status = _lock_with_order(session, payment_id)
        if not _first_notice(session, payment.provider, outcome, payment.id):
            log.info("payment %s: %s %s again; nothing changes", payment.id, source,
                     outcome.status)
            return "duplicate"
        if payment.status != "pending":
            log.warning("payment %s is %s; a %s %s changes nothing", payment.id, payment.status,
                        source, outcome.status)
            return "ignored"
        payment.status, payment.updated_at = outcome.status, clock.now()
        event = {"payment_id": payment.id, "order_id": payment.order_id,
                 "shop_id": payment.shop_id, "part": payment.part,
                 "amount": {"amount": payment.amount, "currency": payment.currency}}
        if outcome.status == "succeeded":
            uow.record("payment.succeeded", {**event, **_remaining(session, payment)},
                       aggregate_id=payment.order_id)
            if order_status == "cancelled":
                refund_obligations.open_after_late_payment(uow, payment.order_id,
                                                           refund_due_hours)
        else:
            payment.failure_reason = (outcome.reason or "declined")[:200]
            uow.record("payment.failed", {**event, "reason": payment.failure_reason},
                       aggregate_id=payment.order_id)
        log.info("payment %s %s (%s)", payment.id, outcome.status, source)
        return "applied"


def _remaining(session, payment: PaymentRow) -> dict:
    """What is left to pay on the order once this payment is in (for the buyer's receipt)."""
    order = session.get(OrderRow, payment.order_id)
    if order is None:
        return {}
    paid = session.scalar(select(func.coalesce(func.sum(PaymentRow.amount), 0)).where(
        PaymentRow.order_id == payment.order_id, PaymentRow.status == "succeeded"))
    return {"remaining": {"amount": max(order.grand_total - int(paid), 0),
                          "currency": order.currency}}


def _lock_with_order(session, payment_id: str) -> tuple[PaymentRow, str | None]:
    """The payment and its order's status, both rows locked, in one round trip: a cancellation
    handled meanwhile (`following`) either comes before (its status is read here) or waits and
    then counts this payment. The order row stays in the session, so what is left to pay is
    reckoned without reading it again."""
    found = session.execute(
        select(PaymentRow, OrderRow).join(OrderRow, OrderRow.order_id == PaymentRow.order_id)
        .where(PaymentRow.id == payment_id).with_for_update()).first()
    if found is None:  # no order row (never the case for a payment made here)
        return session.get(PaymentRow, payment_id, with_for_update=True), None
    return found[0], found[1].status


_NOTICE = text(
    "INSERT INTO notifications (provider, provider_payment_id, event, payment_id, received_at) "
    "VALUES (:provider, :ref, :event, :payment_id, :received_at) "
    "ON CONFLICT (provider, provider_payment_id, event) DO NOTHING"
).bindparams(bindparam("received_at", type_=NotificationRow.__table__.c.received_at.type))


def _first_notice(session, provider: str, outcome: Outcome, payment_id: str) -> bool:
    """Note this (provider, payment, event) as applied; False when it was before. One statement
    (no savepoint and its release), in the caller's transaction."""
    return session.execute(_NOTICE, {
        "provider": provider, "ref": outcome.provider_payment_id, "event": outcome.status,
        "payment_id": payment_id, "received_at": clock.now()}).rowcount == 1


@dataclass(frozen=True)
class Reconciled:
    asked: int
    applied: int


def reconcile(uow: UnitOfWork, kit: Kit, now: datetime, *, after: timedelta, every: timedelta,
              batch: int = 50) -> Reconciled:
    due = _claim_due(uow, now, after, every, batch)
    applied = 0
    for payment_id, provider_name, ref, shop_id in due:
        if ref is None:
            applied += _fail_unopened(uow, payment_id)
            continue
        with uow.reading() as session:
            shop = session.get(ShopRow, shop_id)
        provider = kit.providers.get(provider_name)
        if provider is None or shop is None or shop.secret_encrypted is None:
            continue
        try:
            outcome = provider.payment_status(_account(kit, shop), ref)
        except (ProviderError, BadNotification) as exc:
            log.warning("reconciliation: payment %s: %s", payment_id, exc)
            continue
        if apply_outcome(uow, payment_id, outcome, source="reconciliation",
                         refund_due_hours=kit.refund_due_hours) == "applied":
            applied += 1
    debts = _claim_due_debt_payments(uow, now, after, every, batch)
    for payment_id, provider_name, ref in debts:
        provider = kit.providers.get(provider_name)
        if ref is None or provider is None:
            continue
        try:
            outcome = provider.payment_status(kit.platform_account, ref)
        except (ProviderError, BadNotification) as exc:
            log.warning("reconciliation: debt payment %s: %s", payment_id, exc)
            continue
        if apply_debt_outcome(uow, payment_id, outcome, source="reconciliation") == "applied":
            applied += 1
    return Reconciled(len(due) + len(debts), applied)


def _claim_due_debt_payments(uow: UnitOfWork, now: datetime, after: timedelta,
                             every: timedelta, batch: int) -> list[tuple]:
    with uow:
        rows = uow.session.scalars(
            select(LedgerPaymentRow).where(
                LedgerPaymentRow.status == "pending",
                LedgerPaymentRow.created_at <= now - after,
                or_(LedgerPaymentRow.checked_at.is_(None),
                    LedgerPaymentRow.checked_at <= now - every))
            .order_by(LedgerPaymentRow.created_at).limit(batch)
            .with_for_update(skip_locked=True)).all()
        for row in rows:
            row.checked_at = now
        return [(r.id, r.provider, r.provider_payment_id) for r in rows]


def _claim_due(uow: UnitOfWork, now: datetime, after: timedelta, every: timedelta,
               batch: int) -> list[tuple]:
    with uow:
        rows = uow.session.scalars(
            select(PaymentRow).where(
                PaymentRow.status == "pending", PaymentRow.created_at <= now - after,
                or_(PaymentRow.checked_at.is_(None), PaymentRow.checked_at <= now - every))
            .order_by(PaymentRow.created_at).limit(batch)
            .with_for_update(skip_locked=True)).all()
        for row in rows:
            row.checked_at = now
        return [(r.id, r.provider, r.provider_payment_id, r.shop_id) for r in rows]


def _fail_unopened(uow: UnitOfWork, payment_id: str) -> int:
    with uow:
        payment = uow.session.get(PaymentRow, payment_id, with_for_update=True)
        if payment.status != "pending" or payment.provider_payment_id is not None:
            return 0
        payment.status, payment.failure_reason = "failed", "never_reached_provider"
        payment.updated_at = clock.now()
        return 1
