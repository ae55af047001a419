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
from typing import Annotated

from sqlalchemy import ForeignKey, Index, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from services.common.kernel_tables import SEQ
from services.common.orm import Amount, Currency, Id, Key, service_base

Base = service_base()

# A row that belongs to an order and goes with it.
OfOrder = Annotated[str, mapped_column(String(36), ForeignKey("orders.id", ondelete="CASCADE"))]


# Carts --------------------------------------------------------------------------------------------
class Cart(Base):
    """A buyer's cart; its items are grouped by shop when shown and at checkout."""

    __tablename__ = "carts"

    id: Mapped[Key]
    buyer_id: Mapped[Id] = mapped_column(unique=True)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    items: Mapped[list[CartItem]] = relationship(
        back_populates="cart", order_by="CartItem.added_at", cascade="all, delete-orphan"
    )


class CartItem(Base):
    """One product with one choice of options; adding the same again raises its quantity."""

    __tablename__ = "cart_items"
    __table_args__ = (UniqueConstraint("cart_id", "product_id", "options_key"),)

    id: Mapped[Key]
    cart_id: Mapped[Id] = mapped_column(ForeignKey("carts.id", ondelete="CASCADE"), index=True)
    shop_id: Mapped[Id]
    product_id: Mapped[Id]
    quantity: Mapped[int]
    options: Mapped[dict]
    options_key: Mapped[str] = mapped_column(String(64))  # hash of `options`
    added_at: Mapped[datetime]

    cart: Mapped[Cart] = relationship(back_populates="items")


# Orders -------------------------------------------------------------------------------------------
class Order(Base):
    __tablename__ = "orders"
    __table_args__ = (
        Index("ix_orders_buyer_id_placed_at", "buyer_id", "placed_at"),
        Index("ix_orders_shop_id_placed_at", "shop_id", "placed_at"),
        Index("ix_orders_next_check_at", "next_check_at"),
    )

    id: Mapped[Key]
    shop_id: Mapped[Id]
    seller_id: Mapped[Id | None]  # the shop's owner at placement
    buyer_id: Mapped[Id | None]  # None: a guest order
    status: Mapped[str] = mapped_column(String(20))
    created_by: Mapped[str] = mapped_column(String(10))  # buyer | seller

    # who and where
    guest_email: Mapped[str | None] = mapped_column(String(254))
    guest_name: Mapped[str | None] = mapped_column(String(200))
    guest_phone: Mapped[str | None] = mapped_column(String(50))
    access_token_hash: Mapped[str | None] = mapped_column(String(64))  # a guest's link
    shipping_address: Mapped[dict | None]
    contact_method: Mapped[str | None] = mapped_column(String(30))
    comment: Mapped[str | None] = mapped_column(Text)
    source: Mapped[dict | None]
    delivery_method_id: Mapped[str | None] = mapped_column(String(64))
    delivery_method_name: Mapped[str | None] = mapped_column(String(200))

    # money, in minor units of `currency`
    currency: Mapped[Currency]
    items_total: Mapped[Amount]
    delivery_cost: Mapped[Amount | None]  # None: the seller will quote
    delivery_quoted_by_seller: Mapped[bool] = mapped_column(default=False)
    discount: Mapped[Amount] = mapped_column(default=0)
    surcharge: Mapped[Amount] = mapped_column(default=0)
    grand_total: Mapped[Amount]
    surcharge_percent: Mapped[Decimal] = mapped_column(Numeric(5, 2), default=0)
    surcharge_label: Mapped[str | None] = mapped_column(String(100))
    prepayment_percent: Mapped[int] = mapped_column(default=0)
    paid_amount: Mapped[Amount] = mapped_column(default=0)
    promo_code: Mapped[str | None] = mapped_column(String(50))

    # the shop's rules when the order was placed
    confirm_days: Mapped[int | None]
    production_days: Mapped[int | None]  # made to order: the longest

    # times
    placed_at: Mapped[datetime]
    confirmed_at: Mapped[datetime | None]
    production_started_at: Mapped[datetime | None]
    production_ends_at: Mapped[datetime | None]
    shipped_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]  # completed, cancelled or expired
    updated_at: Mapped[datetime]

    # deadlines: the earliest due instant, and the one-time notices already given
    next_check_at: Mapped[datetime | None]
    notices_done: Mapped[list] = mapped_column(default=list)
    # deadline handling that failed in a row: the next check is put off, doubling each time
    check_failures: Mapped[int] = mapped_column(default=0, server_default="0")

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

    id: Mapped[Key]
    order_id: Mapped[OfOrder] = mapped_column(index=True)
    position: Mapped[int]
    product_id: Mapped[Id] = mapped_column(index=True)
    title: Mapped[str] = mapped_column(String(300))
    quantity: Mapped[int]
    options: Mapped[list]  # chosen options, as quoted
    unit_price: Mapped[Amount]
    total: Mapped[Amount]
    weight_grams: Mapped[int | None]

    order: Mapped[Order] = relationship(back_populates="lines")


class HistoryRow(Base):
    """One accepted move or recorded fact: {at, by, from, to, reason}."""

    __tablename__ = "order_history"

    seq: Mapped[int] = mapped_column(SEQ, primary_key=True, autoincrement=True)
    order_id: Mapped[OfOrder] = mapped_column(index=True)
    at: Mapped[datetime]
    by: Mapped[str] = mapped_column(String(10))
    actor_id: Mapped[Id | None]
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    action: Mapped[str | None] = mapped_column(String(30))
    reason: Mapped[str | None] = mapped_column(Text)
    details: Mapped[dict | None]  # what came with the move (a note, files)

    order: Mapped[Order] = relationship(back_populates="history")


class Shipment(Base):
    """What the shipping service told us of a shipment (shipment.created / status_changed)."""

    __tablename__ = "order_shipments"

    id: Mapped[Key]  # the shipping service's shipment id
    order_id: Mapped[OfOrder] = mapped_column(index=True)
    carrier: Mapped[str] = mapped_column(String(30))
    tracking_number: Mapped[str | None] = mapped_column(String(64))
    tracking_url: Mapped[str | None] = mapped_column(String(500))
    status: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime]

    order: Mapped[Order] = relationship(back_populates="shipments")


class Payment(Base):
    """A payment the payments service reported as succeeded; its id keeps a repeat harmless."""

    __tablename__ = "order_payments"

    id: Mapped[Key]
    order_id: Mapped[OfOrder] = mapped_column(index=True)
    part: Mapped[str] = mapped_column(String(10))
    amount: Mapped[Amount]
    received_at: Mapped[datetime]


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

    id: Mapped[Key]
    owner: Mapped[str] = mapped_column(String(300))  # buyer id or guest e-mail
    idempotency_key: Mapped[str] = mapped_column(String(200))
    request_hash: Mapped[str] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(10))
    order_ids: Mapped[list]
    access_token: Mapped[str | None] = mapped_column(String(64))  # a guest's link, replayed
    created_at: Mapped[datetime]


# Conversation, notes, reviews, requests -----------------------------------------------------------
class Message(Base):
    __tablename__ = "order_messages"
    __table_args__ = (Index("ix_order_messages_order_id_created_at", "order_id", "created_at"),)

    id: Mapped[Key]
    order_id: Mapped[OfOrder]
    sender_id: Mapped[Id]
    sender_role: Mapped[str] = mapped_column(String(10))
    text: Mapped[str] = mapped_column(Text)
    attachment_ids: Mapped[list]
    created_at: Mapped[datetime]


class Note(Base):
    """A seller's private note on an order; never in a buyer's view."""

    __tablename__ = "order_notes"

    id: Mapped[Key]
    order_id: Mapped[OfOrder] = mapped_column(index=True)
    author_id: Mapped[Id]
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class Review(Base):
    __tablename__ = "reviews"
    __table_args__ = (Index("ix_reviews_shop_id_created_at", "shop_id", "created_at"),)

    id: Mapped[Key]
    order_id: Mapped[OfOrder] = mapped_column(unique=True)
    shop_id: Mapped[Id]
    buyer_id: Mapped[Id] = mapped_column(index=True)
    buyer_name: Mapped[str] = mapped_column(String(200))
    product_ids: Mapped[list]
    rating: Mapped[int]
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]


class AmountChangeRequest(Base):
    """A seller's amount change outside placed/confirmed: a request for the admin (seed 001)."""

    __tablename__ = "amount_change_requests"

    id: Mapped[Key]
    order_id: Mapped[OfOrder] = mapped_column(index=True)
    requested_by: Mapped[Id]
    amount: Mapped[Amount]
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10))  # AmountRequestStatus
    created_at: Mapped[datetime]
    decided_at: Mapped[datetime | None]
    decided_by: Mapped[Id | None]
