"""Moderation's use cases: `fn(uow, caller, data)` for a call, `fn(uow, event)` for an event."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from services.common.caller import Caller
from services.common.errors import NotFound
from services.common.events import Event
from services.common.uow import UnitOfWork

from .models import Complaint, CustomerSeller


def remember_customer(uow: UnitOfWork, event: Event) -> None:
    """A registered buyer's order makes its seller one who may see the buyer's card."""
    buyer, seller = event.data.get("buyer_id"), event.data.get("seller_id")
    if buyer is None or seller is None:
        return
    key = {"customer_id": str(buyer), "seller_id": str(seller)}
    if uow.session.get(CustomerSeller, key) is None:
        uow.session.add(CustomerSeller(**key))


def customer_stats(uow: UnitOfWork, caller: Caller, data: dict[str, Any]) -> dict:
    """What the customer card shows of moderation: complaints sellers filed against the customer.
    For an admin, or a seller with an order from the customer; anyone else: no such customer."""
    customer = str(data["customer_id"])
    caller.require("seller", "admin")
    with uow.reading() as session:
        if not caller.is_admin and session.get(
                CustomerSeller, {"customer_id": customer, "seller_id": caller.user_id}) is None:
            raise NotFound("No such customer.", "customer_not_found")
        complaints = session.execute(
            select(func.count()).select_from(Complaint).where(
                Complaint.target_kind == "customer",
                Complaint.target_id == customer,
                Complaint.filer_role == "seller",
            )
        ).scalar_one()
    return {"complaints_from_sellers": complaints}
