"""Tables the moderation service owns. No other service reads them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from services.common.orm import Id, Key, service_base

Base = service_base()


class CustomerSeller(Base):
    """A seller who has an order from a customer (from `order.placed`): who may see the customer's
    card and the complaints against them."""

    __tablename__ = "customer_sellers"

    customer_id: Mapped[Key]
    seller_id: Mapped[Key]


class Complaint(Base):
    """A typed, non-anonymous complaint (seed 001): by a buyer or a seller, against a shop, a
    customer or a product."""

    __tablename__ = "complaints"

    id: Mapped[Key]
    filed_by: Mapped[Id]
    filer_role: Mapped[str] = mapped_column(String(20))
    target_kind: Mapped[str] = mapped_column(String(20))
    target_id: Mapped[Id]
    reason: Mapped[str] = mapped_column(String(40))
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="open")
    created_at: Mapped[datetime]

    __table_args__ = (Index("ix_complaints_target", "target_kind", "target_id"),)
