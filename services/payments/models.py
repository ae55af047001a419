"""Tables the payments service owns. No other service reads them.

- `shops`: each shop's owner (from `shop.created`), plan, payment settings (the secret key
  encrypted with the service's key), timing and the legal details read from the catalog.
- `orders`: what the order events told payments (status, parties, totals, lines); a payment is
  checked against it.
- `payments`: one per attempt to pay a part of an order; at most one pending or succeeded per
  (order, part) (a partial unique index), one per buyer and Idempotency-Key.
- `notifications`: provider notifications applied, unique per (provider, provider's payment id,
  event), so a repeat changes nothing.
- `refunds`: one per refund, never more in total than the payment took.
- `ledger_entries`: what a shop owes the platform: a commission per completed order (unique per
  order) and each payment of its debt (unique per platform payment).
- `ledger_payments`: a shop paying its debt through the platform's own provider account.
- `ledger_accounts`: per shop, whether its overdue debt was announced (`debt.overdue`) and not yet
  settled.
- `refund_obligations`: per cancelled order that had money paid, the refund owed and its due time
  (`domain.refund_obligations`): owed, overdue (announced once, `refund.overdue`) or settled.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from services.common.db import new_metadata
from services.common.kernel_tables import add_kernel_tables

UUID_LEN = 36


class Base(DeclarativeBase):
    metadata = new_metadata()


OUTBOX, INBOX, COMMANDS = add_kernel_tables(Base.metadata)


class ShopRow(Base):
    __tablename__ = "shops"

    shop_id: Mapped[str] = mapped_column(String(UUID_LEN), primary_key=True)
    owner_id: Mapped[str | None] = mapped_column(String(UUID_LEN), nullable=True)
    plan: Mapped[str | None] = mapped_column(String(40), nullable=True)  # None: the default
    provider: Mapped[str | None] = mapped_column(String(20), nullable=True)
    account_id: Mapped[str | None] = mapped_column(String(200), nullable=True)
    secret_encrypted: Mapped[str | None] = mapped_column(Text, nullable=True)
    enabled: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    surcharge_percent: Mapped[Decimal | None] = mapped_column(Numeric(5, 2), nullable=True)
    surcharge_label: Mapped[str | None] = mapped_column(String(100), nullable=True)
    timing: Mapped[str | None] = mapped_column(String(20), nullable=True)
    legal: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)


class OrderRow(Base):
    __tablename__ = "orders"

    order_id: Mapped[str] = mapped_column(String(UUID_LEN), primary_key=True)
    shop_id: Mapped[str] = mapped_column(String(UUID_LEN), nullable=False)
    buyer_id: Mapped[str | None] = mapped_column(String(UUID_LEN), nullable=True)
    seller_id: Mapped[str | None] = mapped_column(String(UUID_LEN), nullable=True)
    status: Mapped[str] = mapped_column(String(20), nullable=False)
    status_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    currency: Mapped[str] = mapped_column(String(3), nullable=False)
    grand_total: Mapped[int] = mapped_column(BigInteger, nullable=False)
    items_total: Mapped[int] = mapped_column(BigInteger, nullable=False)
    line_count: Mapped[int] = mapped_column(Integer, nullable=False)
    has_delivery: Mapped[bool] = mapped_column(Boolean, nullable=False)
    prepayment_percent: Mapped[int | None] = mapped_column(Integer, nullable=True)
    discount: Mapped[int | None] = mapped_column(BigInteger, nullable=True)


class PaymentRow(Base):
    __tablename__ = "payments"

    id: Mapped[str] = mapped_column(String(UUID_LEN), primary_key=True)
    order_id: Mapped[str] = mapped_column(String(UUID_LEN), nullable=False)
    shop_id: Mapped[str] = mapped_column(String(UUID_LEN), nullable=False)
    buyer_id: Mapped[str] = mapped_column(String(UUID_LEN), nullable=False)
    part: Mapped[str] = mapped_column(String(10), nullable=False)
    status: Mapped[str] = mapped_column(String(10), nullable=False)
    amount: Mapped[int] = mapped_column(BigInteger, nullable=False)
    currency: Mapped[str] = mapped_column(String(3), nullable=False)
    refunded: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    provider: Mapped[str] = mapped_column(String(20), nullable=False)
    provider_payment_id: Mapped[str | None] = mapped_column(String(100), nullable=True)
    confirmation_url: Mapped[str | None] = mapped_column(Text, nullable=True)
    return_url: Mapped[str] = mapped_column(Text, nullable=False)
    idempotency_key: Mapped[str] = mapped_column(String(200), nullable=False)
    failure_reason: Mapped[str | None] = mapped_column(String(200), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    checked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)

    __table_args__ = (
        UniqueConstraint("buyer_id", "idempotency_key", name="uq_payments_buyer_key"),
        UniqueConstraint("provider", "provider_payment_id", name="uq_payments_provider_ref"),
        Index("ix_payments_order", "order_id", "created_at"),
        Index("ix_payments_status", "status", "created_at"),
        Index("ux_payments_active_part", "order_id", "part", unique=True,
              sqlite_where=text("status IN ('pending', 'succeeded')"),
              postgresql_where=text("status IN ('pending', 'succeeded')")),
    )


class NotificationRow(Base):
    __tablename__ = "notifications"

    provider: Mapped[str] = mapped_column(String(20), primary_key=True)
    provider_payment_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    event: Mapped[str] = mapped_column(String(40), primary_key=True)
    payment_id: Mapped[str] = mapped_column(String(UUID_LEN), nullable=False)
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)


class RefundRow(Base):
    __tablename__ = "refunds"

    id: Mapped[str] = mapped_column(String(UUID_LEN), primary_key=True)
    payment_id: Mapped[str] = mapped_column(String(UUID_LEN), nullable=False)
    order_id: Mapped[str] = mapped_column(String(UUID_LEN), nullable=False)
    amount: Mapped[int] = mapped_column(BigInteger, nullable=False)
    currency: Mapped[str] = mapped_column(String(3), nullable=False)
    reason: Mapped[str] = mapped_column(String(500), nullable=False)
    status: Mapped[str] = mapped_column(String(10), nullable=False)
    created_by: Mapped[str] = mapped_column(String(UUID_LEN), nullable=False)
    idempotency_key: Mapped[str] = mapped_column(String(200), nullable=False)
    provider_refund_id: Mapped[str | None] = mapped_column(String(100), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)

    __table_args__ = (
        UniqueConstraint("created_by", "idempotency_key", name="uq_refunds_key"),
        Index("ix_refunds_payment", "payment_id", "created_at"),
        Index("ix_refunds_order", "order_id", "created_at"),
    )


class LedgerEntryRow(Base):
    __tablename__ = "ledger_entries"

    id: Mapped[str] = mapped_column(String(UUID_LEN), primary_key=True)
    shop_id: Mapped[str] = mapped_column(String(UUID_LEN), nullable=False)
    kind: Mapped[str] = mapped_column(String(20), nullable=False)  # commission | payment
    ref: Mapped[str] = mapped_column(String(UUID_LEN), nullable=False)  # order or payment id
    amount: Mapped[int] = mapped_column(BigInteger, nullable=False)  # > 0; kind gives the sign
    currency: Mapped[str] = mapped_column(String(3), nullable=False)
    base_amount: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    percent: Mapped[Decimal | None] = mapped_column(Numeric(5, 2), nullable=True)
    plan: Mapped[str | None] = mapped_column(String(40), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    due_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    overdue_checked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True),
                                                                  nullable=True)

    __table_args__ = (
        UniqueConstraint("kind", "ref", name="uq_ledger_entries_kind_ref"),
        Index("ix_ledger_entries_shop", "shop_id", "created_at"),
        Index("ix_ledger_entries_due", "kind", "due_at"),
    )


class LedgerPaymentRow(Base):
    __tablename__ = "ledger_payments"

    id: Mapped[str] = mapped_column(String(UUID_LEN), primary_key=True)
    shop_id: Mapped[str] = mapped_column(String(UUID_LEN), nullable=False)
    status: Mapped[str] = mapped_column(String(10), nullable=False)
    amount: Mapped[int] = mapped_column(BigInteger, nullable=False)
    currency: Mapped[str] = mapped_column(String(3), nullable=False)
    provider: Mapped[str] = mapped_column(String(20), nullable=False)
    provider_payment_id: Mapped[str | None] = mapped_column(String(100), nullable=True)
    confirmation_url: Mapped[str | None] = mapped_column(Text, nullable=True)
    return_url: Mapped[str] = mapped_column(Text, nullable=False)
    created_by: Mapped[str] = mapped_column(String(UUID_LEN), nullable=False)
    idempotency_key: Mapped[str] = mapped_column(String(200), nullable=False)
    failure_reason: Mapped[str | None] = mapped_column(String(200), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    checked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)

    __table_args__ = (
        UniqueConstraint("created_by", "idempotency_key", name="uq_ledger_payments_key"),
        UniqueConstraint("provider", "provider_payment_id", name="uq_ledger_payments_ref"),
        Index("ix_ledger_payments_status", "status", "created_at"),
    )


class LedgerAccountRow(Base):
    __tablename__ = "ledger_accounts"

    shop_id: Mapped[str] = mapped_column(String(UUID_LEN), primary_key=True)
    overdue_announced: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)


class RefundObligationRow(Base):
    __tablename__ = "refund_obligations"

    order_id: Mapped[str] = mapped_column(String(UUID_LEN), primary_key=True)
    shop_id: Mapped[str] = mapped_column(String(UUID_LEN), nullable=False)
    seller_id: Mapped[str | None] = mapped_column(String(UUID_LEN), nullable=True)
    status: Mapped[str] = mapped_column(String(10), nullable=False)  # owed | overdue | settled
    owed: Mapped[int] = mapped_column(BigInteger, nullable=False)  # as last counted
    currency: Mapped[str] = mapped_column(String(3), nullable=False)
    cancelled_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    due_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    overdue_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    settled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)

    __table_args__ = (
        Index("ix_refund_obligations_due", "status", "due_at"),
    )
