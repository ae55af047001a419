"""Tables the moderation service owns. No other service reads them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Index, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from services.common.db import new_metadata
from services.common.kernel_tables import add_kernel_tables


class Base(DeclarativeBase):
    metadata = new_metadata()


OUTBOX, INBOX, COMMANDS = add_kernel_tables(Base.metadata)


class CustomerSeller(Base):
    """A seller who has an order from a customer (from `order.placed`): who may see the customer's
    card and the complaints against them."""

    __tablename__ = "customer_sellers"

    customer_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    seller_id: Mapped[str] = mapped_column(String(36), primary_key=True)


class Complaint(Base):
    """A typed, non-anonymous complaint (seed 001): by a buyer or a seller, against a shop, a
    customer or a product."""

    __tablename__ = "complaints"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    filed_by: Mapped[str] = mapped_column(String(36))
    filer_role: Mapped[str] = mapped_column(String(20))
    target_kind: Mapped[str] = mapped_column(String(20))
    target_id: Mapped[str] = mapped_column(String(36))
    reason: Mapped[str] = mapped_column(String(40))
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="open")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = (Index("ix_complaints_target", "target_kind", "target_id"),)
