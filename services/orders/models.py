"""Tables the orders service owns. No other service reads them.

Money is an integer of minor units; an order keeps its shop's currency once, beside its totals.
Ids are UUIDs as text (the same on both backends). Times are UTC; SQLite hands them back naive, so
code reads them through `as_utc()`.

An order keeps `next_check_at`, the earliest instant one of its deadlines falls due (recomputed by
every change), so the deadline timer finds its work through one index instead of scanning orders.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from services.common.db import new_metadata
from services.common.kernel_tables import SEQ, add_kernel_tables

ID = String(36)
AMOUNT = BigInteger
WHEN = DateTime(timezone=True)


class Base(DeclarativeBase):
    metadata = new_metadata()


OUTBOX, INBOX, COMMANDS = add_kernel_tables(Base.metadata)


# Carts --------------------------------------------------------------------------------------------
class Cart(Base):
    """A buyer's cart; its items are grouped by shop when shown and at checkout."""

    __tablename__ = "carts"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    buyer_id: Mapped[str] = mapped_column(ID, nullable=False, unique=True)
    created_at: Mapped[datetime] = mapped_column(WHEN, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(WHEN, nullable=False)

    items: Mapped[list[CartItem]] = relationship(
        back_populates="cart", order_by="CartItem.added_at", cascade="all, delete-orphan"
    )


class CartItem(Base):
    """One product with one choice of options; adding the same again raises its quantity."""

    __tablename__ = "cart_items"
    __table_args__ = (UniqueConstraint("cart_id", "product_id", "options_key"),)

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    cart_id: Mapped[str] = mapped_column(
        ID, ForeignKey("carts.id", ondelete="CASCADE"), nullable=False, index=True
    )
    shop_id: Mapped[str] = mapped_column(ID, nullable=False)
    product_id: Mapped[str] = mapped_column(ID, nullable=False)
    quantity: Mapped[int] = mapped_column(Integer, nullable=False)
    options: Mapped[dict] = mapped_column(JSON, nullable=False)
    options_key: Mapped[str] = mapped_column(String(64), nullable=False)  # hash of `options`
    added_at: Mapped[datetime] = mapped_column(WHEN, nullable=False)

    cart: Mapped[Cart] = relationship(back_populates="items")


# Orders -------------------------------------------------------------------------------------------
class Order(Base):
    __tablename__ = "orders"
    __table_args__ = (
        Index("ix_orders_buyer_id_placed_at", "buyer_id", "placed_at"),
        Index("ix_orders_shop_id_placed_at", "shop_id", "placed_at"),
        Index("ix_orders_next_check_at", "next_check_at"),
    )

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    shop_id: Mapped[str] = mapped_column(ID, nullable=False)
    seller_id: Mapped[str | None] = mapped_column(ID)  # the shop's owner at placement
    buyer_id: Mapped[str | None] = mapped_column(ID)  # None: a guest order
    status: Mapped[str] = mapped_column(String(20), nullable=False)
    created_by: Mapped[str] = mapped_column(String(10), nullable=False)  # buyer | seller

    # who and where
    guest_email: Mapped[str | None] = mapped_column(String(254))
    guest_name: Mapped[str | None] = mapped_column(String(200))
    guest_phone: Mapped[str | None] = mapped_column(String(50))
    access_token_hash: Mapped[str | None] = mapped_column(String(64))  # a guest's link
    shipping_address: Mapped[dict | None] = mapped_column(JSON)
    contact_method: Mapped[str | None] = mapped_column(String(30))
    comment: Mapped[str | None] = mapped_column(Text)
    source: Mapped[dict | None] = mapped_column(JSON)
    delivery_method_id: Mapped[str | None] = mapped_column(String(64))
    delivery_method_name: Mapped[str | None] = mapped_column(String(200))

    # money, in minor units of `currency`
    currency: Mapped[str] = mapped_column(String(3), nullable=False)
    items_total: Mapped[int] = mapped_column(AMOUNT, nullable=False)
    delivery_cost: Mapped[int | None] = mapped_column(AMOUNT)  # None: the seller will quote
    delivery_quoted_by_seller: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    discount: Mapped[int] = mapped_column(AMOUNT, nullable=False, default=0)
    surcharge: Mapped[int] = mapped_column(AMOUNT, nullable=False, default=0)
    grand_total: Mapped[int] = mapped_column(AMOUNT, nullable=False)
    surcharge_percent: Mapped[Decimal] = mapped_column(Numeric(5, 2), nullable=False, default=0)
    surcharge_label: Mapped[str | None] = mapped_column(String(100))
    prepayment_percent: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    paid_amount: Mapped[int] = mapped_column(AMOUNT, nullable=False, default=0)
    promo_code: Mapped[str | None] = mapped_column(String(50))

    # the shop's rules when the order was placed
    confirm_days: Mapped[int | None] = mapped_column(Integer)
    production_days: Mapped[int | None] = mapped_column(Integer)  # made to order: the longest

    # times
    placed_at: Mapped[datetime] = mapped_column(WHEN, nullable=False)
    confirmed_at: Mapped[datetime | None] = mapped_column(WHEN)
    production_started_at: Mapped[datetime | None] = mapped_column(WHEN)
    production_ends_at: Mapped[datetime | None] = mapped_column(WHEN)
    shipped_at: Mapped[datetime | None] = mapped_column(WHEN)
    closed_at: Mapped[datetime | None] = mapped_column(WHEN)  # completed, cancelled or expired
    updated_at: Mapped[datetime] = mapped_column(WHEN, nullable=False)

    # deadlines: the earliest due instant, and the one-time notices already given
    next_check_at: Mapped[datetime | None] = mapped_column(WHEN)
    notices_done: Mapped[list] = mapped_column(JSON, nullable=False, default=list)
    # deadline handling that failed in a row: the next check is put off, doubling each time
    check_failures: Mapped[int] = mapped_column(Integer, nullable=False, default=0,
                                                server_default="0")

    lines: Mapped[list[OrderLine]] = relationship(
        back_populates="order", order_by="OrderLine.position", cascade="all, delete-orphan"
    )
    history: Mapped[list[HistoryRow]] = relationship(
        back_populates="order", order_by="HistoryRow.seq", cascade="all, delete-orphan"
    )
    shipments: Mapped[list[Shipment]] = relationship(
        back_populates="order", order_by="Shipment.created_at", cascade="all, delete-orphan"
    )


class OrderLine(Base):
    """A line as it was sold: the catalog's title and prices at checkout, never re-read."""

    __tablename__ = "order_lines"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    order_id: Mapped[str] = mapped_column(
        ID, ForeignKey("orders.id", ondelete="CASCADE"), nullable=False, index=True
    )
    position: Mapped[int] = mapped_column(Integer, nullable=False)
    product_id: Mapped[str] = mapped_column(ID, nullable=False, index=True)
    title: Mapped[str] = mapped_column(String(300), nullable=False)
    quantity: Mapped[int] = mapped_column(Integer, nullable=False)
    options: Mapped[list] = mapped_column(JSON, nullable=False)  # chosen options, as quoted
    unit_price: Mapped[int] = mapped_column(AMOUNT, nullable=False)
    total: Mapped[int] = mapped_column(AMOUNT, nullable=False)
    weight_grams: Mapped[int | None] = mapped_column(Integer)

    order: Mapped[Order] = relationship(back_populates="lines")


class HistoryRow(Base):
    """One accepted move or recorded fact: {at, by, from, to, reason}."""

    __tablename__ = "order_history"

    seq: Mapped[int] = mapped_column(SEQ, primary_key=True, autoincrement=True)
    order_id: Mapped[str] = mapped_column(
        ID, ForeignKey("orders.id", ondelete="CASCADE"), nullable=False, index=True
    )
    at: Mapped[datetime] = mapped_column(WHEN, nullable=False)
    by: Mapped[str] = mapped_column(String(10), nullable=False)
    actor_id: Mapped[str | None] = mapped_column(ID)
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20), nullable=False)
    action: Mapped[str | None] = mapped_column(String(30))
    reason: Mapped[str | None] = mapped_column(Text)
    details: Mapped[dict | None] = mapped_column(JSON)  # what came with the move (a note, files)

    order: Mapped[Order] = relationship(back_populates="history")


class Shipment(Base):
    """What the shipping service told us of a shipment (shipment.created / status_changed)."""

    __tablename__ = "order_shipments"

    id: Mapped[str] = mapped_column(ID, primary_key=True)  # the shipping service's shipment id
    order_id: Mapped[str] = mapped_column(
        ID, ForeignKey("orders.id", ondelete="CASCADE"), nullable=False, index=True
    )
    carrier: Mapped[str] = mapped_column(String(30), nullable=False)
    tracking_number: Mapped[str | None] = mapped_column(String(64))
    tracking_url: Mapped[str | None] = mapped_column(String(500))
    status: Mapped[str] = mapped_column(String(20), nullable=False)
    created_at: Mapped[datetime] = mapped_column(WHEN, nullable=False)

    order: Mapped[Order] = relationship(back_populates="shipments")


class Payment(Base):
    """A payment the payments service reported as succeeded; its id keeps a repeat harmless."""

    __tablename__ = "order_payments"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    order_id: Mapped[str] = mapped_column(
        ID, ForeignKey("orders.id", ondelete="CASCADE"), nullable=False, index=True
    )
    part: Mapped[str] = mapped_column(String(10), nullable=False)
    amount: Mapped[int] = mapped_column(AMOUNT, nullable=False)
    received_at: Mapped[datetime] = mapped_column(WHEN, nullable=False)


# Checkout -----------------------------------------------------------------------------------------
class CheckoutAttempt(Base):
    """A checkout in flight, written before any stock is reserved, and its idempotency key.

    `state`: reserving (stock is being reserved for `order_ids`; no order exists yet) → done (the
    orders were written in one transaction with this row's change). A row left `reserving` by a
    process that died is found by the recovery job, which marks it `releasing` (so the checkout
    can no longer write its orders), releases every reservation it names, then deletes it.
    A failed checkout deletes its row, so the same key may be tried again.
    """

    __tablename__ = "checkout_attempts"
    __table_args__ = (
        UniqueConstraint("owner", "idempotency_key"),
        Index("ix_checkout_attempts_state_created_at", "state", "created_at"),
    )

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    owner: Mapped[str] = mapped_column(String(300), nullable=False)  # buyer id or guest e-mail
    idempotency_key: Mapped[str] = mapped_column(String(200), nullable=False)
    request_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    state: Mapped[str] = mapped_column(String(10), nullable=False)
    order_ids: Mapped[list] = mapped_column(JSON, nullable=False)
    access_token: Mapped[str | None] = mapped_column(String(64))  # a guest's link, replayed
    created_at: Mapped[datetime] = mapped_column(WHEN, nullable=False)


# Conversation, notes, reviews, requests -----------------------------------------------------------
class Message(Base):
    __tablename__ = "order_messages"
    __table_args__ = (Index("ix_order_messages_order_id_created_at", "order_id", "created_at"),)

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    order_id: Mapped[str] = mapped_column(
        ID, ForeignKey("orders.id", ondelete="CASCADE"), nullable=False
    )
    sender_id: Mapped[str] = mapped_column(ID, nullable=False)
    sender_role: Mapped[str] = mapped_column(String(10), nullable=False)
    text: Mapped[str] = mapped_column(Text, nullable=False)
    attachment_ids: Mapped[list] = mapped_column(JSON, nullable=False)
    created_at: Mapped[datetime] = mapped_column(WHEN, nullable=False)


class Note(Base):
    """A seller's private note on an order; never in a buyer's view."""

    __tablename__ = "order_notes"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    order_id: Mapped[str] = mapped_column(
        ID, ForeignKey("orders.id", ondelete="CASCADE"), nullable=False, index=True
    )
    author_id: Mapped[str] = mapped_column(ID, nullable=False)
    text: Mapped[str] = mapped_column(Text, nullable=False)
    created_at: Mapped[datetime] = mapped_column(WHEN, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(WHEN, nullable=False)


class Review(Base):
    __tablename__ = "reviews"
    __table_args__ = (Index("ix_reviews_shop_id_created_at", "shop_id", "created_at"),)

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    order_id: Mapped[str] = mapped_column(
        ID, ForeignKey("orders.id", ondelete="CASCADE"), nullable=False, unique=True
    )
    shop_id: Mapped[str] = mapped_column(ID, nullable=False)
    buyer_id: Mapped[str] = mapped_column(ID, nullable=False, index=True)
    buyer_name: Mapped[str] = mapped_column(String(200), nullable=False)
    product_ids: Mapped[list] = mapped_column(JSON, nullable=False)
    rating: Mapped[int] = mapped_column(Integer, nullable=False)
    text: Mapped[str] = mapped_column(Text, nullable=False)
    created_at: Mapped[datetime] = mapped_column(WHEN, nullable=False)


class AmountChangeRequest(Base):
    """A seller's amount change outside placed/confirmed: a request for the admin (seed 001)."""

    __tablename__ = "amount_change_requests"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    order_id: Mapped[str] = mapped_column(
        ID, ForeignKey("orders.id", ondelete="CASCADE"), nullable=False, index=True
    )
    requested_by: Mapped[str] = mapped_column(ID, nullable=False)
    amount: Mapped[int] = mapped_column(AMOUNT, nullable=False)
    reason: Mapped[str] = mapped_column(Text, nullable=False)
    status: Mapped[str] = mapped_column(String(10), nullable=False)  # AmountRequestStatus
    created_at: Mapped[datetime] = mapped_column(WHEN, nullable=False)
    decided_at: Mapped[datetime | None] = mapped_column(WHEN)
    decided_by: Mapped[str | None] = mapped_column(ID)
