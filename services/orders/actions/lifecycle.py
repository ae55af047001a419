"""The moves the parties make on an order: confirm, cancel, mark paid, production, balance request,
receive, close; the seller's delivery quote and amount changes (applied, or a request to the admin).

Each runs in one transaction: lock the order's row, find who the caller is to it, let the domain's
`transition()` decide, write the change, its history row and its event together. Repeats are no-ops
(the domain's REPEATS table): the order is returned as it is. Each is `fn(uow, caller, data)`, `data`
the loaded input with the order's id.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import func, select

from services.common import clock
from services.common.caller import Caller
from services.common.errors import NotFound
from services.common.money import Money
from services.common.paging import PageRequest
from services.common.uow import UnitOfWork

from ..domain import (
    Action,
    AmountRequestStatus,
    Role,
    Totals,
    change_amount,
    decide_amount_change,
    with_delivery,
)
from ..domain.errors import WrongState
from ..models import AmountChangeRequest, Order
from .common import apply, columns, get_order, note_fact, order_view, party


def _move(uow: UnitOfWork, caller: Caller, order_id, action: Action, *,
          reason: str | None = None, event_data: dict[str, Any] | None = None,
          details: dict[str, Any] | None = None, access: str | None = None) -> dict[str, Any]:
    """`access`: a guest's order-link token, which acts as the order's buyer (cancel, receive)."""
    with uow:
        order = get_order(uow.session, order_id, lock=True)
        who = party(order, caller, access)
        apply(uow, order, action, who.role, clock.now(), actor_id=who.actor_id, reason=reason,
              event_data=event_data, details=details)
        return order_view(order, who)


def confirm(uow: UnitOfWork, caller: Caller, data: dict[str, Any]):
    return _move(uow, caller, data["order_id"], Action.CONFIRM)


def cancel(uow: UnitOfWork, caller: Caller, data: dict[str, Any]):
    """The buyer (or the guest's order link) before confirmation; the seller or an admin before
    shipping (the transition table decides)."""
    return _move(uow, caller, data["order_id"], Action.CANCEL, reason=data.get("reason"),
                 access=data.get("access"))


def mark_paid(uow: UnitOfWork, caller: Caller, data: dict[str, Any]):
    return _move(uow, caller, data["order_id"], Action.MARK_PAID)


def start_production(uow: UnitOfWork, caller: Caller, data: dict[str, Any]):
    return _move(uow, caller, data["order_id"], Action.START_PRODUCTION)


def request_balance(uow: UnitOfWork, caller: Caller, data: dict[str, Any]):
    """Ask the buyer for the balance: the status stays; `order.balance_requested` carries the
    seller's note and attachments to the buyer's notice, and the history row keeps them."""
    request = {"note": data.get("note"), "attachment_ids": list(data.get("attachment_ids") or [])}
    return _move(uow, caller, data["order_id"], Action.REQUEST_BALANCE, event_data=request,
                 details=request)


def receive(uow: UnitOfWork, caller: Caller, data: dict[str, Any]):
    """The buyer, or the guest's order link, accepts the goods."""
    return _move(uow, caller, data["order_id"], Action.RECEIVE, access=data.get("access"))


def complete(uow: UnitOfWork, caller: Caller, data: dict[str, Any]):
    return _move(uow, caller, data["order_id"], Action.COMPLETE)


# Money --------------------------------------------------------------------------------------------
def current_totals(order: Order) -> Totals:
    c = order.currency
    return Totals(
        Money(order.items_total, c),
        None if order.delivery_cost is None else Money(order.delivery_cost, c),
        Money(order.discount, c),
        Money(order.surcharge, c),
        Money(order.grand_total, c),
    )


def store_totals(order: Order, totals: Totals) -> None:
    order.items_total = totals.items.amount
    order.delivery_cost = None if totals.delivery is None else totals.delivery.amount
    order.discount = totals.discount.amount
    order.surcharge = totals.surcharge.amount
    order.grand_total = totals.grand_total.amount


def set_delivery_cost(uow: UnitOfWork, caller: Caller, data: dict[str, Any]):
    """The seller quotes the delivery of a method whose cost the seller sets (placed/confirmed;
    the table's guard refuses a method with a cost of its own)."""
    now, cost = clock.now(), data["cost"]
    with uow:
        order = get_order(uow.session, data["order_id"], lock=True)
        who = party(order, caller)
        before = current_totals(order)
        after = with_delivery(before, Money(cost, order.currency), order.surcharge_percent)
        apply(uow, order, Action.SET_DELIVERY_COST, who.role, now,
              actor_id=who.actor_id, reason=f"delivery_cost: {cost}",
              event_data={"previous_total": before.grand_total.to_dict(),
                          "new_total": after.grand_total.to_dict(),
                          "reason": "delivery_cost"})
        store_totals(order, after)
        return order_view(order, who)


def change_order_amount(uow: UnitOfWork, caller: Caller, data: dict[str, Any]):
    """A new items total (seed 001): applied while placed/confirmed (or by the admin), otherwise a
    request to the admin. Returns `{applied: true, order}` or `{applied: false, request}`."""
    now, amount, reason = clock.now(), data["amount"], data["reason"]
    with uow:
        session = uow.session
        order = get_order(session, data["order_id"], lock=True)
        who = party(order, caller)
        decision = decide_amount_change(order.status, who.role)
        if decision.apply:
            _apply_amount(uow, order, who.role, who.actor_id, amount, reason, now)
            return {"applied": True, "order": order_view(order, who)}
        request = AmountChangeRequest(
            id=str(uuid.uuid4()), order_id=order.id, requested_by=who.actor_id, amount=amount,
            reason=reason, status=AmountRequestStatus.PENDING.value, created_at=now,
        )
        session.add(request)
        note_fact(order, now, who.role, f"amount_change_requested: {amount} ({reason})",
                  actor_id=who.actor_id, action=Action.CHANGE_AMOUNT.value)
        session.flush()
        return {"applied": False, "request": request_dict(request, order.currency)}


def _apply_amount(uow: UnitOfWork, order: Order, role: Role, actor_id, amount, reason, now):
    change = change_amount(current_totals(order), Money(amount, order.currency),
                           order.surcharge_percent)
    apply(uow, order, Action.CHANGE_AMOUNT, role, now, actor_id=actor_id,
          reason=f"amount_changed: {change.previous_total.amount} -> "
                 f"{change.new_total.amount} ({reason})",
          event_data={"previous_total": change.previous_total.to_dict(),
                      "new_total": change.new_total.to_dict(), "reason": reason})
    store_totals(order, change.totals)


def request_dict(request: AmountChangeRequest, currency: str) -> dict[str, Any]:
    return {**columns(request, "id", "order_id", "reason", "status", "requested_by", "created_at",
                      "decided_at"),
            "amount": {"amount": request.amount, "currency": currency}}


def list_amount_requests(uow: UnitOfWork, caller: Caller, data: dict[str, Any]):
    """The admin's queue of amount-change requests, oldest first (`status` None: all of them)."""
    caller.require("admin")
    status, page = data["status"], PageRequest(data["page"], data["per_page"])
    with uow.reading() as session:
        query = select(AmountChangeRequest, Order.currency).join(
            Order, Order.id == AmountChangeRequest.order_id)
        count = select(func.count()).select_from(AmountChangeRequest)
        if status:
            query = query.where(AmountChangeRequest.status == status)
            count = count.where(AmountChangeRequest.status == status)
        rows = session.execute(
            query.order_by(AmountChangeRequest.created_at, AmountChangeRequest.id)
            .offset(page.offset).limit(page.per_page)
        ).all()
        total = session.scalar(count)
        return page.page_of([request_dict(r, c) for r, c in rows], total)


def decide_amount_request(uow: UnitOfWork, caller: Caller, data: dict[str, Any]):
    """The admin approves (the change applies, whatever the status up to received) or rejects."""
    caller.require("admin")
    now, request_id, approve = clock.now(), data["request_id"], data["approve"]
    with uow:
        session = uow.session
        request = session.get(AmountChangeRequest, str(request_id), with_for_update=True)
        if request is None:
            raise NotFound(f"Amount change request {request_id} not found.", "request_not_found")
        if request.status != AmountRequestStatus.PENDING:
            raise WrongState(f"this request is already {request.status}", "request_decided")
        order = get_order(session, request.order_id, lock=True)
        if approve:
            _apply_amount(uow, order, Role.ADMIN, caller.user_id, request.amount,
                          request.reason, now)
        else:
            note_fact(order, now, Role.ADMIN,
                      f"amount_change_rejected: {request.amount} ({request.reason})",
                      actor_id=caller.user_id, action=Action.CHANGE_AMOUNT.value)
        decided = AmountRequestStatus.APPROVED if approve else AmountRequestStatus.REJECTED
        request.status = decided.value
        request.decided_at = now
        request.decided_by = caller.user_id
        return request_dict(request, order.currency)
