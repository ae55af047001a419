"""Tables the notifications service owns. No other service reads them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, DateTime, Index, Integer, String, Text, UniqueConstraint
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
    # For messages about the order after it was placed: a guest's e-mail and order-link token, the
    # buyer's name, the grand total (`{amount, currency}`).
    buyer_email: Mapped[str | None] = mapped_column(String(320))
    buyer_name: Mapped[str | None] = mapped_column(String(200))
    access_token: Mapped[str | None] = mapped_column(String(200))
    total: Mapped[dict | None] = mapped_column(JSON)


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


class NoticeRead(Base):
    """An admin who read a notice addressed to every admin."""

    __tablename__ = "notice_reads"

    notice_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(36), primary_key=True)


class Contact(Base):
    """How to reach a user, learnt from `user.registered`."""

    __tablename__ = "contacts"

    user_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    email: Mapped[str] = mapped_column(String(320))
    phone: Mapped[str | None] = mapped_column(String(32))
    name: Mapped[str | None] = mapped_column(String(200))
    locale: Mapped[str] = mapped_column(String(8))
    roles: Mapped[list] = mapped_column(JSON)


class ShopSettings(Base):
    """A shop's owner (from `shop.created`) and where its order notices go (set by the owner;
    `order_emails` None: the owner's own address)."""

    __tablename__ = "shop_settings"

    shop_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    owner_id: Mapped[str] = mapped_column(String(36))
    order_emails: Mapped[list | None] = mapped_column(JSON)
    sms_phone: Mapped[str | None] = mapped_column(String(32))
    telegram_chat_id: Mapped[str | None] = mapped_column(String(64))
    updated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Preferences(Base):
    """A user's choices per channel (`{channel: {marketing: bool}}`); absent: the defaults."""

    __tablename__ = "preferences"

    user_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    channels: Mapped[dict] = mapped_column(JSON)


class Delivery(Base):
    """One message to one address by one channel, for one event: written in the transaction that
    handles the event (so a redelivered event adds nothing: the key is unique), sent after the
    commit by the sender, retried with back-off, `dead` with its reason after the last attempt."""

    __tablename__ = "deliveries"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    event_id: Mapped[str] = mapped_column(String(36))
    event_type: Mapped[str] = mapped_column(String(60))
    channel: Mapped[str] = mapped_column(String(10))  # email | sms | telegram
    address: Mapped[str] = mapped_column(String(320))
    role: Mapped[str] = mapped_column(String(10))  # buyer | seller | admin
    recipient_id: Mapped[str | None] = mapped_column(String(36))
    order_id: Mapped[str | None] = mapped_column(String(36))
    subject: Mapped[str | None] = mapped_column(String(300))
    text: Mapped[str] = mapped_column(Text)
    html: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10))  # pending | sent | dead
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    __table_args__ = (
        UniqueConstraint("event_id", "channel", "address"),
        Index("ix_deliveries_due", "status", "next_attempt_at"),
    )
