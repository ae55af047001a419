"""The moves the parties make on an order: confirm, cancel, mark paid, production, balance request,
receive, close; the seller's delivery quote and amount changes (applied, or a request to the admin).

Each runs in one transaction: lock the order's row, find who the caller is to it, let the domain's
`transition()` decide, write the change, its history row and its event together. Repeats are no-ops
(the domain's REPEATS table): the order is returned as it is.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import func, select

from services.common import clock
from services.common.caller import Caller
from services.common.errors import NotFound
from services.common.money import Money

from ..domain import (
    Action,
    Role,
    Totals,
    change_amount,
    decide_amount_change,
    with_delivery,
)
from ..domain.errors import WrongState
from ..models import AmountChangeRequest, Order, utc
from .common import apply, get_order, note_fact, order_view, party


def _move(db, recorder, caller: Caller, order_id, action: Action, *, reason: str | None = None):
    with db.transaction() as session:
        order = get_order(session, order_id, lock=True)
        who = party(order, caller)
        apply(session, recorder, order, action, who.role, clock.now(), actor_id=who.actor_id,
              reason=reason)
        return order_view(order, who)


def confirm(db, recorder, caller, order_id):
    return _move(db, recorder, caller, order_id, Action.CONFIRM)


def cancel(db, recorder, caller, order_id, reason: str | None):
    return _move(db, recorder, caller, order_id, Action.CANCEL, reason=reason)


def mark_paid(db, recorder, caller, order_id):
    return _move(db, recorder, caller, order_id, Action.MARK_PAID)


def start_production(db, recorder, caller, order_id):
    return _move(db, recorder, caller, order_id, Action.START_PRODUCTION)


def request_balance(db, recorder, caller, order_id, note: str | None = None,
                    attachment_ids: list[str] | None = None):
    """Ask the buyer for the balance; the status stays, the history records the request.

    There is no event for it in the contracts (see the report): the notice to the buyer is sent
    from this history entry once `order.balance_requested` exists.
    """
    reason = "balance_requested" + (f": {note}" if note else "")
    if attachment_ids:
        reason += f" (attachments: {', '.join(attachment_ids)})"
    return _move(db, recorder, caller, order_id, Action.REQUEST_BALANCE, reason=reason)


def receive(db, recorder, caller, order_id):
    return _move(db, recorder, caller, order_id, Action.RECEIVE)


def complete(db, recorder, caller, order_id):
    return _move(db, recorder, caller, order_id, Action.COMPLETE)


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


def set_delivery_cost(db, recorder, caller, order_id, cost: int):
    """The seller quotes the delivery of a method whose cost the seller sets (placed/confirmed)."""
    now = clock.now()
    with db.transaction() as session:
        order = get_order(session, order_id, lock=True)
        who = party(order, caller)
        if who.role is Role.SELLER and not order.delivery_quoted_by_seller:
            raise WrongState("this order's delivery method has a fixed cost",
                             "delivery_not_quoted_by_seller")
        before = current_totals(order)
        after = with_delivery(before, Money(cost, order.currency), order.surcharge_percent)
        apply(session, recorder, order, Action.SET_DELIVERY_COST, who.role, now,
              actor_id=who.actor_id, reason=f"delivery_cost: {cost}",
              event_data={"previous_total": before.grand_total.to_dict(),
                          "new_total": after.grand_total.to_dict(),
                          "reason": "delivery_cost"})
        store_totals(order, after)
        return order_view(order, who)


def change_order_amount(db, recorder, caller, order_id, amount: int, reason: str):
    """A new items total (seed 001): applied while placed/confirmed (or by the admin), otherwise a
    request to the admin. Returns `{applied: true, order}` or `{applied: false, request}`."""
    now = clock.now()
    with db.transaction() as session:
        order = get_order(session, order_id, lock=True)
        who = party(order, caller)
        decision = decide_amount_change(order.status, who.role)
        if decision.apply:
            _apply_amount(session, recorder, order, who.role, who.actor_id, amount, reason, now)
            return {"applied": True, "order": order_view(order, who)}
        request = AmountChangeRequest(
            id=str(uuid.uuid4()), order_id=order.id, requested_by=who.actor_id, amount=amount,
            reason=reason, status="pending", created_at=now,
        )
        session.add(request)
        note_fact(session, order, now, who.role, f"amount_change_requested: {amount} ({reason})",
                  actor_id=who.actor_id, action=Action.CHANGE_AMOUNT.value)
        session.flush()
        return {"applied": False, "request": request_dict(request, order.currency)}


def _apply_amount(session, recorder, order: Order, role: Role, actor_id, amount, reason, now):
    change = change_amount(current_totals(order), Money(amount, order.currency),
                           order.surcharge_percent)
    apply(session, recorder, order, Action.CHANGE_AMOUNT, role, now, actor_id=actor_id,
          reason=f"amount_changed: {change.previous_total.amount} -> "
                 f"{change.new_total.amount} ({reason})",
          event_data={"previous_total": change.previous_total.to_dict(),
                      "new_total": change.new_total.to_dict(), "reason": reason})
    store_totals(order, change.totals)


def request_dict(request: AmountChangeRequest, currency: str) -> dict[str, Any]:
    return {
        "id": request.id,
        "order_id": request.order_id,
        "amount": {"amount": request.amount, "currency": currency},
        "reason": request.reason,
        "status": request.status,
        "requested_by": request.requested_by,
        "created_at": utc(request.created_at).isoformat(),
        "decided_at": utc(request.decided_at).isoformat() if request.decided_at else None,
    }


def list_amount_requests(db, caller: Caller, status: str | None, page):
    """The admin's queue of amount-change requests, oldest first."""
    caller.require("admin")
    with db.transaction() as session:
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


def decide_amount_request(db, recorder, caller: Caller, request_id, approve: bool):
    """The admin approves (the change applies, whatever the status up to received) or rejects."""
    caller.require("admin")
    now = clock.now()
    with db.transaction() as session:
        request = session.get(AmountChangeRequest, str(request_id), with_for_update=True)
        if request is None:
            raise NotFound(f"Amount change request {request_id} not found.", "request_not_found")
        if request.status != "pending":
            raise WrongState(f"this request is already {request.status}", "request_decided")
        order = get_order(session, request.order_id, lock=True)
        if approve:
            _apply_amount(session, recorder, order, Role.ADMIN, caller.user_id, request.amount,
                          request.reason, now)
        else:
            note_fact(session, order, now, Role.ADMIN,
                      f"amount_change_rejected: {request.amount} ({request.reason})",
                      actor_id=caller.user_id, action=Action.CHANGE_AMOUNT.value)
        request.status = "approved" if approve else "rejected"
        request.decided_at = now
        request.decided_by = caller.user_id
        return request_dict(request, order.currency)
