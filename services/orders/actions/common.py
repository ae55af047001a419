"""What every use case shares: finding an order the caller may see, applying a move of the state
machine with its history row and event, and the order as a plain dict for the views.

Who the caller is to an order (`party`): its seller (the shop's owner when it was placed), its
buyer, or an admin. Anyone else gets `NotFound`, exactly as for an order that does not exist
(API.md: 404 for what the caller may not see), so order ids cannot be probed.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, object_session, selectinload

from services.common.caller import Caller
from services.common.clock import as_utc
from services.common.errors import NotFound
from services.common.money import Money
from services.common.uow import UnitOfWork

from .. import settings
from ..domain import (
    Context,
    Deadlines,
    OrderState,
    OrderTimes,
    Role,
    Status,
    TransitionResult,
    Viewer,
    due,
    transition,
    view_for,
)
from ..domain.states import TERMINAL
from ..models import HistoryRow, Note, Order

FAR_FUTURE = datetime(9999, 1, 1, tzinfo=UTC)


def order_not_found(order_id: Any) -> NotFound:
    return NotFound(f"Order {order_id} not found.", "order_not_found")


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# Loading ------------------------------------------------------------------------------------------
def get_order(session: Session, order_id: Any, *, lock: bool = False) -> Order:
    """The order, or NotFound; `lock` takes its row lock (PostgreSQL) for a change."""
    try:
        key = str(order_id)
    except Exception:  # noqa: BLE001 - any unprintable id is simply not an order
        raise order_not_found(order_id) from None
    query = select(Order).where(Order.id == key)
    if lock:
        query = query.with_for_update()
    order = session.scalars(query).first()
    if order is None:
        raise order_not_found(order_id)
    return order


@dataclass(frozen=True)
class Party:
    role: Role
    actor_id: str | None


def party(order: Order, caller: Caller, access_token: str | None = None) -> Party:
    """Who the caller is to this order, or NotFound (see the module docstring)."""
    uid = caller.user_id
    if uid and order.seller_id == uid and caller.has("seller"):
        return Party(Role.SELLER, uid)
    if uid and order.buyer_id == uid:
        return Party(Role.BUYER, uid)
    if caller.is_admin:
        return Party(Role.ADMIN, uid)
    if (
        access_token
        and order.access_token_hash
        and hmac.compare_digest(order.access_token_hash, token_hash(access_token))
    ):
        return Party(Role.BUYER, None)
    raise order_not_found(order.id)


def viewer_for(order: Order, who: Party) -> Viewer:
    if who.role is Role.SELLER:
        return Viewer(Role.SELLER, who.actor_id, frozenset({order.shop_id}))
    if who.role is Role.BUYER:
        return Viewer(Role.BUYER, who.actor_id, order_link=who.actor_id is None)
    return Viewer(Role.ADMIN, who.actor_id)


def order_view(order: Order, who: Party) -> dict[str, Any]:
    """The order as this party may see it (the domain strips what is not theirs); the seller's
    view carries the private notes."""
    notes = notes_of(object_session(order), order.id) if who.role is Role.SELLER else None
    full = order_dict(order, notes=notes)
    return view_for(full, viewer_for(order, who))


def notes_of(session: Session, order_id: str) -> list[dict[str, Any]]:
    rows = session.scalars(
        select(Note).where(Note.order_id == order_id).order_by(Note.created_at, Note.id)
    ).all()
    return [note_dict(n) for n in rows]


def columns(row: Any, *names: str) -> dict[str, Any]:
    """The named columns of a row as answers show them: times in UTC, ISO 8601."""
    values = {name: getattr(row, name) for name in names}
    return {name: iso(value) if isinstance(value, datetime) else value
            for name, value in values.items()}


def note_dict(note: Note) -> dict[str, Any]:
    return columns(note, "id", "order_id", "text", "created_at", "updated_at")


# Deadlines ----------------------------------------------------------------------------------------
def deadlines_for(order: Order) -> Deadlines:
    return settings.deadlines().for_shop(order.confirm_days)


def order_state(order: Order) -> OrderState:
    return OrderState(
        Status(order.status),
        as_utc(order.placed_at),
        as_utc(order.confirmed_at),
        as_utc(order.shipped_at),
        as_utc(order.production_ends_at),
        delivery_fixed=not order.delivery_quoted_by_seller,
    )


def order_times(order: Order) -> OrderTimes:
    return order_state(order).times


def refresh_next_check(order: Order) -> None:
    """The earliest instant a deadline of this order falls due (None when nothing will)."""
    if Status(order.status) in TERMINAL:
        order.next_check_at = None
        return
    pending = due(order.status, order_times(order), FAR_FUTURE, deadlines_for(order),
                  done=order.notices_done or ())
    order.next_check_at = min((item.due_at for item in pending), default=None)


# Moves --------------------------------------------------------------------------------------------
def event_ref(order: Order) -> dict[str, Any]:
    return {"order_id": order.id, "shop_id": order.shop_id, "buyer_id": order.buyer_id,
            "seller_id": order.seller_id}


def placed_event(order: Order, access_token: str | None = None) -> dict[str, Any]:
    """`order.placed`: who, what and for how much, as the catalog, payments, shipping and the
    notices need it: the invoice's lines, address, delivery (None while the seller has still to
    quote it), contact method and comment (seed 003), and a guest's order-link token."""
    def money(amount: int) -> dict[str, Any]:
        return {"amount": amount, "currency": order.currency}

    return {
        **event_ref(order),
        "lines": [{"product_id": line.product_id, "quantity": line.quantity,
                   "unit_price": money(line.unit_price), "title": line.title,
                   "options": [chosen_option(option) for option in line.options or ()]}
                  for line in order.lines],
        "grand_total": money(order.grand_total),
        "delivery": None if order.delivery_cost is None else money(order.delivery_cost),
        "discount": money(order.discount or 0),
        "prepayment_percent": order.prepayment_percent,
        "source": order.source,
        "buyer_name": order.guest_name or (order.shipping_address or {}).get("full_name"),
        "buyer_phone": order.guest_phone or (order.shipping_address or {}).get("phone"),
        "buyer_email": order.guest_email,
        "shipping_address": order.shipping_address,
        "delivery_method": order.delivery_method_name,
        "contact_method": order.contact_method,
        "comment": order.comment,
        "access_token": access_token,
    }


def chosen_option(option: dict[str, Any]) -> dict[str, str]:
    """An option as the invoice shows it: its name, and the variants' labels or the text."""
    value = option.get("text")
    if value is None:
        value = ", ".join(v.get("label", "") for v in option.get("variants") or ())
    return {"name": str(option.get("name", "")), "value": value}


# Events that carry the order's reference and what came with the move, not who made it.
_REFERENCE_ONLY = frozenset({"order.balance_requested"})


def add_history(
    order: Order,
    *,
    at: datetime,
    by: Role | str,
    to_status: str,
    from_status: str | None,
    reason: str | None,
    action: str | None = None,
    actor_id: str | None = None,
    details: dict[str, Any] | None = None,
) -> None:
    order.history.append(
        HistoryRow(
            at=at,
            by=str(by),
            actor_id=actor_id,
            from_status=from_status,
            to_status=to_status,
            action=action,
            reason=reason,
            details=details,
        )
    )


def note_fact(order: Order, now: datetime, by: Role | str, reason: str,
              actor_id: str | None = None, action: str | None = None) -> None:
    """A history entry for something that happened without a change of status."""
    add_history(order, at=now, by=by, from_status=order.status, to_status=order.status,
                reason=reason, action=action, actor_id=actor_id)


def apply(
    uow: UnitOfWork,
    order: Order,
    action: str,
    role: Role,
    now: datetime,
    *,
    actor_id: str | None = None,
    reason: str | None = None,
    expected: Status | None = None,
    event_data: dict[str, Any] | None = None,
    details: dict[str, Any] | None = None,
) -> TransitionResult:
    """Run `action` through the domain's `transition()`; on success change the order and write its
    history row (with `details`, if any) and event in the open transaction. A repeat or a stale
    timer does nothing."""
    context = Context(reason=reason, actor_id=actor_id, deadlines=deadlines_for(order),
                      expected_status=expected)
    result = transition(order_state(order), action, role, now, context)
    if not result.applied:
        return result
    new = result.new_status
    order.status = new.value
    order.updated_at = now
    if new is Status.CONFIRMED:
        order.confirmed_at = now
    elif new is Status.IN_PRODUCTION:
        order.production_started_at = now
        if order.production_days:
            order.production_ends_at = now + timedelta(days=order.production_days)
    elif new is Status.SHIPPED:
        order.shipped_at = now
    if new in TERMINAL:
        order.closed_at = now
    entry = result.history_entry
    add_history(order, at=now, by=entry.by, from_status=entry.from_status.value,
                to_status=new.value, reason=entry.reason, action=entry.action.value,
                actor_id=actor_id, details=details)
    if result.event_type:
        data = event_ref(order)
        if result.event_type not in _REFERENCE_ONLY:
            data.update(by=role.value, actor_id=actor_id)
        data.update(event_data or {})
        if result.event_type == "order.cancelled":
            data["reason"] = entry.reason
        uow.record(result.event_type, data, aggregate_id=order.id)
    refresh_next_check(order)
    return result


# The order as data --------------------------------------------------------------------------------
def money(amount: int | None, currency: str) -> dict[str, Any] | None:
    return None if amount is None else Money(int(amount), currency).to_dict()


def totals_dict(order: Order) -> dict[str, Any]:
    c = order.currency
    return {
        "items": money(order.items_total, c),
        "delivery": money(order.delivery_cost, c),
        "discount": money(order.discount, c),
        "surcharge": money(order.surcharge, c),
        "grand_total": money(order.grand_total, c),
    }


def iso(moment: datetime | None) -> str | None:
    return None if moment is None else as_utc(moment).isoformat()


def order_dict(order: Order, *, notes: list[dict] | None = None) -> dict[str, Any]:
    """Everything about an order; `view_for` decides what each party sees of it."""
    c = order.currency
    guest = None
    if order.buyer_id is None:
        guest = {"email": order.guest_email, "name": order.guest_name, "phone": order.guest_phone}
    result = {
        "id": order.id,
        "shop_id": order.shop_id,
        "buyer_id": order.buyer_id,
        "status": order.status,
        "created_by": order.created_by,
        "placed_at": iso(order.placed_at),
        "lines": [
            {
                "product_id": line.product_id,
                "title": line.title,
                "quantity": line.quantity,
                "options": line.options,
                "unit_price": money(line.unit_price, c),
                "total": money(line.total, c),
            }
            for line in order.lines
        ],
        "totals": totals_dict(order),
        "paid": money(order.paid_amount, c),
        "prepayment_percent": order.prepayment_percent,
        "surcharge_percent": _number(order.surcharge_percent),
        "surcharge_label": order.surcharge_label,
        "delivery_method": {"id": order.delivery_method_id, "name": order.delivery_method_name},
        "shipping_address": order.shipping_address,
        "contact_method": order.contact_method,
        "comment": order.comment,
        "guest": guest,
        "shipments": [
            {
                "id": s.id,
                "carrier": s.carrier,
                "tracking_number": s.tracking_number,
                "tracking_url": s.tracking_url,
                "status": s.status,
            }
            for s in order.shipments
        ],
        "history": [
            {"at": iso(h.at), "by": h.by, "from": h.from_status, "to": h.to_status,
             "reason": h.reason}
            for h in order.history
        ],
        "source": order.source,
    }
    if notes is not None:
        result["notes"] = notes
    return result


def _number(value: Any) -> int | float:
    """A percent for JSON: 5 stays 5, 2.5 stays 2.5."""
    if value is None:
        return 0
    as_int = int(value)
    return as_int if as_int == value else float(value)


def with_lines(query):
    return query.options(
        selectinload(Order.lines), selectinload(Order.history), selectinload(Order.shipments)
    )
