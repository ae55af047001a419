"""Messages on an order, the seller's private notes, and the buyer's review (seed 001, 003).

Who may do what is the domain's (`permissions`): messages between the order's buyer and seller
(never on a guest order), notes for the seller only (never in the buyer's view), one review per
order by its registered buyer once it is received.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import func, select

from services.common import clock
from services.common.caller import Caller
from services.common.errors import NotFound
from services.common.paging import PageRequest
from services.common.uow import UnitOfWork

from ..domain import (
    Role,
    ensure_can_keep_notes,
    ensure_can_message,
    ensure_can_review,
    ensure_can_view,
)
from ..models import Message, Note, OrderLine, Review
from .common import columns, get_order, note_dict, notes_of, party, viewer_for


def _facts(order) -> dict[str, Any]:
    return {"buyer_id": order.buyer_id, "shop_id": order.shop_id, "status": order.status}


# Messages -----------------------------------------------------------------------------------------
def message_dict(message: Message) -> dict[str, Any]:
    return columns(message, "id", "order_id", "sender_id", "sender_role", "text",
                   "attachment_ids", "created_at")


def post_message(uow: UnitOfWork, caller: Caller, data: dict[str, Any]) -> dict[str, Any]:
    """A command (`uow.run_once`): a repeated request id answers as the first time."""
    now = clock.now()
    with uow:
        order = get_order(uow.session, data["order_id"])
        who = party(order, caller)
        ensure_can_message(_facts(order), viewer_for(order, who))
        message = Message(
            id=str(uuid.uuid4()), order_id=order.id, sender_id=who.actor_id,
            sender_role=who.role.value, text=data["text"],
            attachment_ids=list(data.get("attachment_ids") or []), created_at=now,
        )
        uow.session.add(message)
        recipient = order.seller_id if who.role is Role.BUYER else order.buyer_id
        uow.record("message.posted", {
            "message_id": message.id, "sender_id": who.actor_id, "recipient_id": recipient,
            "order_id": order.id, "shop_id": order.shop_id, "excerpt": message.text[:200],
        }, aggregate_id=order.id)
        return message_dict(message)


def list_messages(uow: UnitOfWork, caller: Caller, data: dict[str, Any]) -> dict[str, Any]:
    page = PageRequest(data["page"], data["per_page"])
    with uow.reading() as session:
        order = get_order(session, data["order_id"])
        who = party(order, caller)
        ensure_can_view(_facts(order), viewer_for(order, who))
        where = Message.order_id == order.id
        rows = session.scalars(
            select(Message).where(where).order_by(Message.created_at, Message.id)
            .offset(page.offset).limit(page.per_page)
        ).all()
        total = session.scalar(select(func.count()).select_from(Message).where(where))
        return page.page_of([message_dict(m) for m in rows], total)


# Notes --------------------------------------------------------------------------------------------
def _seller_order(session, caller, order_id):
    order = get_order(session, order_id)
    who = party(order, caller)
    ensure_can_keep_notes(_facts(order), viewer_for(order, who))
    return order, who


def add_note(uow: UnitOfWork, caller: Caller, data: dict[str, Any]) -> dict[str, Any]:
    """A command (`uow.run_once`): a repeated request id answers as the first time."""
    now = clock.now()
    with uow:
        order, who = _seller_order(uow.session, caller, data["order_id"])
        note = Note(id=str(uuid.uuid4()), order_id=order.id, author_id=who.actor_id,
                    text=data["text"], created_at=now, updated_at=now)
        uow.session.add(note)
        return note_dict(note)


def list_notes(uow: UnitOfWork, caller: Caller, data: dict[str, Any]) -> dict[str, Any]:
    with uow.reading() as session:
        order, _ = _seller_order(session, caller, data["order_id"])
        return {"items": notes_of(session, order.id)}


def update_note(uow: UnitOfWork, caller: Caller, data: dict[str, Any]) -> dict[str, Any]:
    note_id = data["note_id"]
    with uow:
        order, _ = _seller_order(uow.session, caller, data["order_id"])
        note = uow.session.get(Note, str(note_id), with_for_update=True)
        if note is None or note.order_id != order.id:
            raise NotFound(f"Note {note_id} not found.", "note_not_found")
        note.text = data["text"]
        note.updated_at = clock.now()
        return note_dict(note)


# Reviews ------------------------------------------------------------------------------------------
def review_dict(review: Review) -> dict[str, Any]:
    return columns(review, "id", "order_id", "shop_id", "product_ids", "rating", "text",
                   "buyer_name", "created_at")


def post_review(uow: UnitOfWork, caller: Caller, data: dict[str, Any]) -> dict[str, Any]:
    """One review per order by its buyer once received; `data["display_name"]` is the name the
    gateway shows (else the first name of the delivery address). A command (`uow.run_once`)."""
    now, rating = clock.now(), data["rating"]
    with uow:
        session = uow.session
        order = get_order(session, data["order_id"], lock=True)
        who = party(order, caller)
        already = session.scalar(select(Review.id).where(Review.order_id == order.id))
        ensure_can_review(_facts(order), viewer_for(order, who), already is not None)
        product_ids = list(dict.fromkeys(line.product_id for line in order.lines))
        review = Review(
            id=str(uuid.uuid4()), order_id=order.id, shop_id=order.shop_id,
            buyer_id=order.buyer_id, buyer_name=data.get("display_name") or _display_name(order),
            product_ids=product_ids, rating=rating, text=data["text"], created_at=now,
        )
        session.add(review)
        uow.record("review.posted", {
            "review_id": review.id, "order_id": order.id, "shop_id": order.shop_id,
            "buyer_id": order.buyer_id, "product_ids": product_ids, "rating": rating,
        }, aggregate_id=order.id)
        return review_dict(review)


def _display_name(order) -> str:
    """The buyer's first name from the delivery address ("Anna" of "Anna Petrova")."""
    full_name = ((order.shipping_address or {}).get("full_name") or "").strip()
    return full_name.split()[0] if full_name else "Buyer"


def list_reviews(uow: UnitOfWork, caller: Caller, data: dict[str, Any]) -> dict[str, Any]:
    """Public reviews of a shop (`shop_id`) or of a product (`product_id`), newest first, with
    the average rating. Anyone may read them."""
    page = PageRequest(data["page"], data["per_page"])
    shop_id, product_id = data.get("shop_id"), data.get("product_id")
    with uow.reading() as session:
        where = []
        if shop_id is not None:
            where.append(Review.shop_id == str(shop_id))
        if product_id is not None:
            where.append(Review.order_id.in_(
                select(OrderLine.order_id).where(OrderLine.product_id == str(product_id))))
        rows = session.scalars(
            select(Review).where(*where).order_by(Review.created_at.desc(), Review.id)
            .offset(page.offset).limit(page.per_page)
        ).all()
        total, average = session.execute(
            select(func.count(), func.avg(Review.rating)).select_from(Review).where(*where)
        ).one()
        result = page.page_of([review_dict(r) for r in rows], total)
        result["average_rating"] = None if average is None else round(float(average), 2)
        return result
