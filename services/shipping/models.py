"""Tables the shipping service owns. No other service reads them.

- `delivery_methods`: a shop's own methods; destinations, weight limit and rate kept as JSON in
  the API's shape (the domain reads them back with `parse_method`).
- `universal_method_settings`: a shop's on/off choice for each of its four universal methods (the
  methods themselves are derived by the domain; no row = enabled).
- `shipments` and `shipment_history`: tracks given by sellers, their status and every change.
- `orders_to_ship`: confirmed orders waiting for shipping details, learnt from order events; the
  shipping-overdue job reads it.
- `shops` and `orders`: who may act on what, learnt from `shop.created` and the order events (a
  shop's owner; an order's shop, seller, buyer and status).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from services.common.db import new_metadata
from services.common.kernel_tables import SEQ, add_kernel_tables

UUID_LEN = 36


class Base(DeclarativeBase):
    metadata = new_metadata()


OUTBOX, INBOX, COMMANDS = add_kernel_tables(Base.metadata)


class DeliveryMethodRow(Base):
    """A seller's own delivery method."""

    __tablename__ = "delivery_methods"

    id: Mapped[str] = mapped_column(String(UUID_LEN), primary_key=True)
    shop_id: Mapped[str] = mapped_column(String(UUID_LEN), nullable=False)
    name: Mapped[str] = mapped_column(String(100), nullable=False)
    carrier: Mapped[str] = mapped_column(String(20), nullable=False)
    destinations: Mapped[list] = mapped_column(JSON, nullable=False)
    weight_limit_grams: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    free_delivery_applies: Mapped[bool] = mapped_column(Boolean, nullable=False)
    rate: Mapped[dict] = mapped_column(JSON, nullable=False)
    delivery_days: Mapped[int | None] = mapped_column(Integer, nullable=True)
    enabled: Mapped[bool] = mapped_column(Boolean, nullable=False)
    # A pickup method's `{address, hours}`; None for every other carrier.
    pickup: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)

    __table_args__ = (Index("ix_delivery_methods_shop", "shop_id", "created_at"),)


class UniversalMethodSetting(Base):
    """Whether a shop uses one of its universal methods (`key`: russian_post, cdek_pickup, ...)."""

    __tablename__ = "universal_method_settings"

    shop_id: Mapped[str] = mapped_column(String(UUID_LEN), primary_key=True)
    key: Mapped[str] = mapped_column(String(20), primary_key=True)
    enabled: Mapped[bool] = mapped_column(Boolean, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)


class ShipmentRow(Base):
    """One track of an order: a carrier, maybe a tracking number, and where the parcel is."""

    __tablename__ = "shipments"

    id: Mapped[str] = mapped_column(String(UUID_LEN), primary_key=True)
    order_id: Mapped[str] = mapped_column(String(UUID_LEN), nullable=False)
    shop_id: Mapped[str] = mapped_column(String(UUID_LEN), nullable=False)
    carrier: Mapped[str] = mapped_column(String(20), nullable=False)
    tracking_number: Mapped[str | None] = mapped_column(String(40), nullable=True)
    tracking_url: Mapped[str | None] = mapped_column(String(300), nullable=True)
    status: Mapped[str] = mapped_column(String(20), nullable=False)
    notify_buyer: Mapped[bool] = mapped_column(Boolean, nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    # The tracking poller's lease: not asked again before this instant (None = as soon as possible).
    next_poll_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)

    __table_args__ = (
        Index("ix_shipments_order", "order_id", "created_at"),
        Index("ix_shipments_polling", "status", "next_poll_at"),
        # The same track added twice (a retried call) is one shipment.
        Index(
            "ix_shipments_track",
            "order_id",
            "carrier",
            "tracking_number",
            unique=True,
            postgresql_where=text("tracking_number IS NOT NULL"),
            sqlite_where=text("tracking_number IS NOT NULL"),
        ),
    )


class ShipmentHistoryRow(Base):
    """A status change of a shipment: when, from what, to what, and who said so."""

    __tablename__ = "shipment_history"

    seq: Mapped[int] = mapped_column(SEQ, primary_key=True, autoincrement=True)
    shipment_id: Mapped[str] = mapped_column(
        String(UUID_LEN), ForeignKey("shipments.id"), nullable=False
    )
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    from_status: Mapped[str | None] = mapped_column(String(20), nullable=True)
    to_status: Mapped[str] = mapped_column(String(20), nullable=False)
    source: Mapped[str] = mapped_column(String(20), nullable=False)  # seller | carrier
    note: Mapped[str | None] = mapped_column(String(300), nullable=True)

    __table_args__ = (Index("ix_shipment_history_shipment", "shipment_id", "seq"),)


class OrderToShip(Base):
    """A confirmed order as the shipping deadline sees it.

    `state`: awaiting (the clock runs from `due_from`), in_production (paused until the balance is
    paid), closed (shipped, cancelled or otherwise done: never reopened).
    """

    __tablename__ = "orders_to_ship"

    order_id: Mapped[str] = mapped_column(String(UUID_LEN), primary_key=True)
    shop_id: Mapped[str] = mapped_column(String(UUID_LEN), nullable=False)
    buyer_id: Mapped[str | None] = mapped_column(String(UUID_LEN), nullable=True)
    state: Mapped[str] = mapped_column(String(20), nullable=False)
    due_from: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    last_event_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    closed_by: Mapped[str | None] = mapped_column(String(40), nullable=True)
    overdue_recorded_at: Mapped[datetime | None] = mapped_column(
        DateTime(timezone=True), nullable=True
    )

    __table_args__ = (Index("ix_orders_to_ship_due", "state", "due_from"),)


class ShopRow(Base):
    """A shop and its owner, from `shop.created` (or asked of the catalog the first time a shop
    shipping has not heard of yet is acted on)."""

    __tablename__ = "shops"

    shop_id: Mapped[str] = mapped_column(String(UUID_LEN), primary_key=True)
    owner_id: Mapped[str] = mapped_column(String(UUID_LEN), nullable=False)
    known_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)


class OrderRow(Base):
    """An order as shipping follows it from the order events: whose it is and where it stands.

    `status_at` is the `occurred_at` of the event that set `status`: an older event delivered late
    changes nothing.
    """

    __tablename__ = "orders"

    order_id: Mapped[str] = mapped_column(String(UUID_LEN), primary_key=True)
    shop_id: Mapped[str] = mapped_column(String(UUID_LEN), nullable=False)
    seller_id: Mapped[str | None] = mapped_column(String(UUID_LEN), nullable=True)
    buyer_id: Mapped[str | None] = mapped_column(String(UUID_LEN), nullable=True)
    status: Mapped[str] = mapped_column(String(20), nullable=False)
    status_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
