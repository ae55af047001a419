"""What every service's `models.py` is made of: a declarative base on the service's own metadata,
holding the kernel's tables (outbox, inbox, commands), and the column types the services share.

    Base = service_base()

    class Note(Base):
        __tablename__ = "order_notes"

        id: Mapped[Key]                     # a UUID as text, the primary key
        order_id: Mapped[Id] = mapped_column(ForeignKey("orders.id"), index=True)
        text: Mapped[str] = mapped_column(Text)
        paid: Mapped[Amount | None]         # money: minor units, its currency beside it
        created_at: Mapped[datetime]        # UTC (SQLite hands it back naive: `as_utc()`)

`Mapped[X]` is NOT NULL and `Mapped[X | None]` may be NULL; `dict` and `list` are JSON, `int`
INTEGER and `bool` BOOLEAN. Ids are UUIDs kept as text, the same on both backends.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from sqlalchemy import JSON, BigInteger, DateTime, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from .db import new_metadata
from .kernel_tables import add_kernel_tables

Id = Annotated[str, mapped_column(String(36))]
Key = Annotated[str, mapped_column(String(36), primary_key=True)]
Amount = Annotated[int, mapped_column(BigInteger)]  # minor units of a currency
Currency = Annotated[str, mapped_column(String(3))]  # ISO 4217

TYPES = {datetime: DateTime(timezone=True), dict: JSON, list: JSON}


def service_base() -> type[DeclarativeBase]:
    """A new declarative base for one service: its own metadata (constraint names Alembic relies
    on), with the kernel's tables on it and the shared column types."""

    class Base(DeclarativeBase):
        metadata = new_metadata()
        type_annotation_map = TYPES

    add_kernel_tables(Base.metadata)
    return Base


class FollowedOrder:
    """An order as a service that follows the order events keeps it: whose it is and where it
    stands (`order_status`). `status_at` is the `occurred_at` of the event that set `status`, so an
    older event delivered late changes nothing."""

    order_id: Mapped[Key]
    shop_id: Mapped[Id]
    buyer_id: Mapped[Id | None]
    seller_id: Mapped[Id | None]
    status: Mapped[str] = mapped_column(String(20))
    status_at: Mapped[datetime]
