"""The seller ledger: commission on completed orders, the shop paying its debt to the platform,
and debts that fall overdue (`domain.ledger`).

- `record_commission` (inside the `order.completed` handler's transaction, auto-completed orders
  included): once per order (a unique (kind, ref) row), at the shop's plan percent of the items
  total after discounts; due `kit.debt_due_days` later.
- `get_ledger` (the owner, an admin; others 403, unknown shops 404): the entries, newest first,
  the balance and what of it is overdue, in the shop's currency.
- `pay_debt` (the owner, with an Idempotency-Key): a payment of the whole balance owed through
  the platform's own provider account (`settings.platform_*`); the same key answers the same
  payment; nothing owed → 409. It does not look at sanctions: a shop blocked for its debt pays
  it here. Its provider notification (`webhooks`) applies it once: a `payment` entry reduces the
  balance, then `review` may announce `debt.settled`.
- `review_debts` (the timer): for each shop with commission past its due date, `review`
  announces `debt.overdue` once for the debts newly overdue, and `debt.settled` once nothing
  overdue is left.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from services.common import clock
from services.common.caller import Caller
from services.common.errors import Unavailable
from services.common.uow import UnitOfWork

from .. import schemas
from ..domain import ledger as rules
from ..domain.errors import NothingOwed
from ..kit import Kit
from ..models import (
    LedgerAccountRow,
    LedgerEntryRow,
    LedgerPaymentRow,
    OrderRow,
    ShopRow,
)
from .access import authorize_owner
from .common import answer_again, iso, money, new_id, open_at_provider
from .payments import require_key

log = logging.getLogger(__name__)

COMMISSION, PAYMENT = "commission", "payment"


# Commission ----------------------------------------------------------------------------------
def record_commission(uow: UnitOfWork, kit: Kit, order: OrderRow, at: datetime) -> None:
    """Inside the handler's transaction: the order's commission, unless it has one."""
    session = uow.session
    exists = session.scalar(select(LedgerEntryRow.id).where(
        LedgerEntryRow.kind == COMMISSION, LedgerEntryRow.ref == order.order_id))
    if exists is not None:
        return
    shop = session.get(ShopRow, order.shop_id)
    plan = kit.plan(shop.plan if shop is not None else None)
    base = rules.commission_base(order.items_total, order.discount or 0)
    amount = rules.commission(base, plan.commission_percent)
    if amount <= 0:
        return
    session.add(LedgerEntryRow(
        id=new_id(), shop_id=order.shop_id, kind=COMMISSION, ref=order.order_id, amount=amount,
        currency=order.currency, base_amount=base, percent=plan.commission_percent,
        plan=plan.name, created_at=at, due_at=rules.due_at(at, kit.debt_due_days)))
    session.flush()
    log.info("commission %d %s on order %s (%s %s%%)", amount, order.currency, order.order_id,
             plan.name, plan.commission_percent)


# Reading -------------------------------------------------------------------------------------
def get_ledger(uow: UnitOfWork, caller: Caller, kit: Kit, data: dict[str, Any]) -> dict:
    shop_id = data["shop_id"]
    authorize_owner(uow, caller, shop_id, admin_may=True)
    now = clock.now()
    with uow.reading() as session:
        entries = session.scalars(select(LedgerEntryRow).where(LedgerEntryRow.shop_id == shop_id)
                                  .order_by(LedgerEntryRow.created_at.desc(),
                                            LedgerEntryRow.id)).all()
    standing = _standing(entries, now)
    currency = entries[0].currency if entries else _shop_currency(uow, shop_id)
    return {"shop_id": shop_id, "balance": money(standing.balance, currency),
            "overdue": money(standing.overdue, currency),
            "overdue_since": iso(standing.overdue_since),
            "entries": [entry_view(e) for e in entries]}


def entry_view(entry: LedgerEntryRow) -> dict:
    view = {"id": entry.id, "kind": entry.kind,
            "amount": money(entry.amount if entry.kind == COMMISSION else -entry.amount,
                            entry.currency),
            "created_at": iso(entry.created_at), "due_at": iso(entry.due_at)}
    if entry.kind == COMMISSION:
        view.update(order_id=entry.ref, base=money(entry.base_amount or 0, entry.currency),
                    percent=None if entry.percent is None else str(entry.percent), plan=entry.plan)
    else:
        view.update(payment_id=entry.ref)
    return view


def _standing(entries, now: datetime) -> rules.Standing:
    debts = [rules.Debt(e.id, e.amount, clock.as_utc(e.due_at)) for e in entries
             if e.kind == COMMISSION]
    paid = sum(e.amount for e in entries if e.kind == PAYMENT)
    return rules.standing(debts, paid, now)


def _shop_currency(uow: UnitOfWork, shop_id: str) -> str:
    with uow.reading() as session:
        currency = session.scalar(select(OrderRow.currency).where(OrderRow.shop_id == shop_id)
                                  .limit(1))
    if currency:
        return currency
    try:
        return str(uow.peers.catalog.shop(shop_id).get("currency") or "RUB")
    except Unavailable:
        return "RUB"


# Paying the platform -------------------------------------------------------------------------
def pay_debt(uow: UnitOfWork, caller: Caller, kit: Kit, data: dict[str, Any]) -> dict:
    caller.require("seller")
    shop_id = data["shop_id"]
    authorize_owner(uow, caller, shop_id)
    key = require_key(data["key"])
    body = schemas.load(schemas.LedgerPaymentBody, data["body"])
    earlier = _by_key(uow, caller.user_id, key)

    def same_shop(payment: LedgerPaymentRow) -> bool:
        return payment.shop_id == shop_id

    if earlier is not None:
        return answer_again(earlier, same_shop, ledger_payment_view, "payment")
    now = clock.now()
    try:
        with uow:
            session = uow.session
            _account_row(uow, shop_id, lock=True)  # one payment is sized at a time per shop
            entries = session.scalars(select(LedgerEntryRow).where(
                LedgerEntryRow.shop_id == shop_id)).all()
            standing = _standing(entries, now)
            if standing.balance <= 0:
                raise NothingOwed("The shop owes the platform nothing.")
            payment = LedgerPaymentRow(
                id=new_id(), shop_id=shop_id, status="pending", amount=standing.balance,
                currency=entries[0].currency, provider=kit.platform_provider,
                return_url=body["return_url"], created_by=caller.user_id, idempotency_key=key,
                created_at=now, updated_at=now)
            session.add(payment)
            session.flush()
            payment_id = payment.id
    except IntegrityError:
        again = _by_key(uow, caller.user_id, key)
        return answer_again(again, same_shop, ledger_payment_view, "payment")
    return _open_at_platform_provider(uow, kit, payment_id)


def _by_key(uow: UnitOfWork, user_id: str, key: str) -> LedgerPaymentRow | None:
    with uow.reading() as session:
        return session.scalars(select(LedgerPaymentRow).where(
            LedgerPaymentRow.created_by == user_id,
            LedgerPaymentRow.idempotency_key == key)).first()


def _open_at_platform_provider(uow: UnitOfWork, kit: Kit, payment_id: str) -> dict:
    with uow.reading() as session:
        payment = session.get(LedgerPaymentRow, payment_id)
    return open_at_provider(uow, kit, payment, kit.platform_account, ledger_payment_view,
                            description=f"Shop {payment.shop_id}: platform services",
                            metadata={"ledger_payment_id": payment.id, "shop_id": payment.shop_id})


def ledger_payment_view(payment: LedgerPaymentRow) -> dict:
    return {"id": payment.id, "shop_id": payment.shop_id, "status": payment.status,
            "amount": money(payment.amount, payment.currency),
            "confirmation_url": payment.confirmation_url, "created_at": iso(payment.created_at)}


def settle_payment(uow: UnitOfWork, payment: LedgerPaymentRow, status: str,
                   reason: str | None) -> None:
    """Inside the notification's transaction, the payment locked and pending: a success is a
    ledger entry (once per payment), and perhaps the debt settled."""
    now = clock.now()
    payment.status, payment.updated_at = status, now
    if status != "succeeded":
        payment.failure_reason = (reason or "declined")[:200]
        return
    uow.session.add(LedgerEntryRow(
        id=new_id(), shop_id=payment.shop_id, kind=PAYMENT, ref=payment.id,
        amount=payment.amount, currency=payment.currency, created_at=now))
    uow.session.flush()
    review(uow, payment.shop_id, now)


# Overdue and settled -------------------------------------------------------------------------
def review(uow: UnitOfWork, shop_id: str, now: datetime) -> None:
    """Inside a transaction: announce the debts newly overdue (looked at once each past its due
    date: one paid in time is never announced), or that no overdue debt is left."""
    session = uow.session
    account = _account_row(uow, shop_id, lock=True)
    entries = session.scalars(select(LedgerEntryRow).where(
        LedgerEntryRow.shop_id == shop_id)).all()
    standing = _standing(entries, now)
    unpaid = set(standing.overdue_ids)
    due = [e for e in entries if e.kind == COMMISSION and e.overdue_checked_at is None
           and clock.as_utc(e.due_at) <= now]
    for entry in due:  # each debt is looked at once past its due date
        entry.overdue_checked_at = now
    fresh = [e for e in due if e.id in unpaid]
    if fresh:
        account.overdue_announced, account.updated_at = True, now
        uow.record("debt.overdue", {
            "shop_id": shop_id, "amount": money(standing.overdue, fresh[0].currency),
            "due_at": iso(standing.overdue_since)}, aggregate_id=shop_id)
        log.info("shop %s: debt of %d overdue since %s", shop_id, standing.overdue,
                 standing.overdue_since)
    elif account.overdue_announced and standing.overdue == 0:
        account.overdue_announced, account.updated_at = False, now
        uow.record("debt.settled", {"shop_id": shop_id}, aggregate_id=shop_id)
        log.info("shop %s: overdue debt settled", shop_id)


def review_debts(uow: UnitOfWork, now: datetime, batch: int = 100) -> int:
    """The shops with a commission past its due date not yet announced; each reviewed in its own
    transaction. Several replicas may run it: the account row's lock orders them."""
    with uow.reading() as session:
        shops = session.scalars(
            select(LedgerEntryRow.shop_id).where(
                LedgerEntryRow.kind == COMMISSION, LedgerEntryRow.due_at <= now,
                LedgerEntryRow.overdue_checked_at.is_(None))
            .group_by(LedgerEntryRow.shop_id).order_by(func.min(LedgerEntryRow.due_at))
            .limit(batch)).all()
    for shop_id in shops:
        with uow:
            review(uow, shop_id, now)
    return len(shops)


def _account_row(uow: UnitOfWork, shop_id: str, *, lock: bool) -> LedgerAccountRow:
    session = uow.session
    row = session.get(LedgerAccountRow, shop_id, with_for_update=lock)
    if row is None:
        try:
            with session.begin_nested():
                row = LedgerAccountRow(shop_id=shop_id, overdue_announced=False,
                                       updated_at=clock.now())
                session.add(row)
        except IntegrityError:
            row = session.get(LedgerAccountRow, shop_id, with_for_update=lock)
    return row
