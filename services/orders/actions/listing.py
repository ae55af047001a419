"""Reading orders: one order as its party may see it, the buyer's and the seller's lists with the
seed 002 tabs, and the customer card's counts."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from services.common.caller import Caller
from services.common.errors import Forbidden, Invalid, NotFound
from services.common.paging import PageRequest
from services.common.uow import UnitOfWork

from ..domain import Role, Status, listing_filter
from ..models import Order, Review
from .common import Party, get_order, order_view, party, with_lines


def read_order(uow: UnitOfWork, caller: Caller, data: dict[str, Any]):
    """The buyer's view (no private notes, no source), the seller's (with notes) or the admin's;
    `data["access"]` is a guest's order-link token."""
    with uow.reading() as session:
        order = get_order(session, data["order_id"])
        return order_view(order, party(order, caller, data.get("access")))


def list_orders(uow: UnitOfWork, caller: Caller, data: dict[str, Any]):
    """`as=buyer`: the caller's purchases; `as=seller`: the orders of the caller's shop."""
    as_, status, tab = data["as_"], data["status"], data["tab"]
    page = PageRequest(data["page"], data["per_page"])
    if caller.anonymous:
        raise Forbidden("Sign in to see orders.", "sign_in")
    if as_ == "seller":
        caller.require("seller")
        mine = Order.seller_id == caller.user_id
        viewer_role = Role.SELLER
    elif as_ == "buyer":
        mine = Order.buyer_id == caller.user_id
        viewer_role = Role.BUYER
    else:
        raise Invalid("Unknown listing.", "invalid", {"as": ["One of buyer, seller."]})
    statuses = sorted(s.value for s in listing_filter(tab, status))
    where = (mine, Order.status.in_(statuses))
    with uow.reading() as session:
        orders = session.scalars(
            with_lines(select(Order)).where(*where)
            .order_by(Order.placed_at.desc(), Order.id).offset(page.offset).limit(page.per_page)
        ).all()
        total = session.scalar(select(func.count()).select_from(Order).where(*where))
        items = []
        for order in orders:
            view = order_view(order, party_as(order, caller, viewer_role))
            view.pop("history", None)
            items.append(view)
        return page.page_of(items, total)


def party_as(order: Order, caller: Caller, role: Role):
    """The caller as the listing's side, even when it is both (a seller buying in their shop)."""
    who = party(order, caller)
    return who if who.role is role else Party(role, caller.user_id)


def customer_stats(uow: UnitOfWork, caller: Caller, data: dict[str, Any]):
    """The customer card's counts (seed 001): orders completed, orders cancelled, reviews left.

    For the admin, or a seller with at least one order from this customer; anyone else gets
    NotFound, as if the customer had no card.
    """
    customer = str(data["customer_id"])
    with uow.reading() as session:
        if not caller.is_admin:
            if not caller.has("seller"):
                raise NotFound("No such customer.", "customer_not_found")
            known = session.scalar(
                select(Order.id).where(Order.buyer_id == customer,
                                       Order.seller_id == caller.user_id).limit(1)
            )
            if known is None:
                raise NotFound("No such customer.", "customer_not_found")
        counts = dict(session.execute(
            select(Order.status, func.count()).where(
                Order.buyer_id == customer,
                Order.status.in_([Status.COMPLETED.value, Status.CANCELLED.value]),
            ).group_by(Order.status)
        ).all())
        reviews = session.scalar(
            select(func.count()).select_from(Review).where(Review.buyer_id == customer))
        return {
            "orders_closed": counts.get(Status.COMPLETED.value, 0),
            "orders_cancelled": counts.get(Status.CANCELLED.value, 0),
            "reviews_left": reviews,
        }
