"""Moderation's use cases."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .models import Complaint


def customer_stats(session: Session, customer_id: str) -> dict:
    """What the customer card shows of moderation: complaints sellers filed against the customer."""
    complaints = session.execute(
        select(func.count()).select_from(Complaint).where(
            Complaint.target_kind == "customer",
            Complaint.target_id == str(customer_id),
            Complaint.filer_role == "seller",
        )
    ).scalar_one()
    return {"complaints_from_sellers": complaints}
