"""Tables the notifications service owns. No other service reads them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, DateTime, Index, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from services.common.db import new_metadata
from services.common.kernel_tables import add_kernel_tables


class Base(DeclarativeBase):
    metadata = new_metadata()


OUTBOX, INBOX, COMMANDS = add_kernel_tables(Base.metadata)


class OrderParties(Base):
    """Who an order concerns, learnt from `order.placed`: events after it may carry only ids."""

    __tablename__ = "order_parties"

    order_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    shop_id: Mapped[str] = mapped_column(String(36))
    buyer_id: Mapped[str | None] = mapped_column(String(36))
    seller_id: Mapped[str | None] = mapped_column(String(36))


class Notice(Base):
    """An in-app notice, to one user or to every admin (`audience` = "admins")."""

    __tablename__ = "notices"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    audience: Mapped[str] = mapped_column(String(10))  # "user" or "admins"
    recipient_id: Mapped[str | None] = mapped_column(String(36))
    type: Mapped[str] = mapped_column(String(60))
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    order_id: Mapped[str | None] = mapped_column(String(36))
    data: Mapped[dict | None] = mapped_column(JSON)  # what a client needs beyond the text
    event_id: Mapped[str] = mapped_column(String(36))
    read: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = (
        Index("ix_notices_recipient", "recipient_id", "created_at"),
        Index("ix_notices_audience", "audience", "created_at"),
    )
