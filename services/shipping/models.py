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

from sqlalchemy import ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from services.common.kernel_tables import SEQ
from services.common.orm import FollowedOrder, Id, Key, service_base

Base = service_base()


class DeliveryMethodRow(Base):
    """A seller's own delivery method."""

    __tablename__ = "delivery_methods"

    id: Mapped[Key]
    shop_id: Mapped[Id]
    name: Mapped[str] = mapped_column(String(100))
    carrier: Mapped[str] = mapped_column(String(20))
    destinations: Mapped[list]
    weight_limit_grams: Mapped[dict | None]
    free_delivery_applies: Mapped[bool]
    rate: Mapped[dict]
    delivery_days: Mapped[int | None]
    enabled: Mapped[bool]
    # A pickup method's `{address, hours}`; None for every other carrier.
    pickup: Mapped[dict | None]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    __table_args__ = (Index("ix_delivery_methods_shop", "shop_id", "created_at"),)


class UniversalMethodSetting(Base):
    """Whether a shop uses one of its universal methods (`key`: russian_post, cdek_pickup, ...)."""

    __tablename__ = "universal_method_settings"

    shop_id: Mapped[Key]
    key: Mapped[str] = mapped_column(String(20), primary_key=True)
    enabled: Mapped[bool]
    updated_at: Mapped[datetime]


class ShipmentRow(Base):
    """One track of an order: a carrier, maybe a tracking number, and where the parcel is."""

    __tablename__ = "shipments"

    id: Mapped[Key]
    order_id: Mapped[Id]
    shop_id: Mapped[Id]
    carrier: Mapped[str] = mapped_column(String(20))
    tracking_number: Mapped[str | None] = mapped_column(String(40))
    tracking_url: Mapped[str | None] = mapped_column(String(300))
    status: Mapped[str] = mapped_column(String(20))
    notify_buyer: Mapped[bool]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    # The tracking poller's lease: not asked again before this instant (None = as soon as possible).
    next_poll_at: Mapped[datetime | None]

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
    shipment_id: Mapped[Id] = mapped_column(ForeignKey("shipments.id"))
    at: Mapped[datetime]
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    source: Mapped[str] = mapped_column(String(20))  # seller | carrier
    note: Mapped[str | None] = mapped_column(String(300))

    __table_args__ = (Index("ix_shipment_history_shipment", "shipment_id", "seq"),)


class OrderToShip(Base):
    """A confirmed order as the shipping deadline sees it.

    `state`: awaiting (the clock runs from `due_from`), in_production (paused until the balance is
    paid), closed (shipped, cancelled or otherwise done: never reopened).
    """

    __tablename__ = "orders_to_ship"

    order_id: Mapped[Key]
    shop_id: Mapped[Id]
    buyer_id: Mapped[Id | None]
    state: Mapped[str] = mapped_column(String(20))
    due_from: Mapped[datetime]
    last_event_at: Mapped[datetime]
    closed_by: Mapped[str | None] = mapped_column(String(40))
    overdue_recorded_at: Mapped[datetime | None]

    __table_args__ = (Index("ix_orders_to_ship_due", "state", "due_from"),)


class ShopRow(Base):
    """A shop and its owner, from `shop.created` (or asked of the catalog the first time a shop
    shipping has not heard of yet is acted on)."""

    __tablename__ = "shops"

    shop_id: Mapped[Key]
    owner_id: Mapped[Id]
    known_at: Mapped[datetime]


class OrderRow(FollowedOrder, Base):
    """An order as shipping follows it from the order events."""

    __tablename__ = "orders"
