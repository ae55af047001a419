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

from sqlalchemy import Index, Numeric, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from services.common.orm import Amount, Currency, FollowedOrder, Id, Key, service_base

Base = service_base()


class ShopRow(Base):
    __tablename__ = "shops"

    shop_id: Mapped[Key]
    owner_id: Mapped[Id | None]
    plan: Mapped[str | None] = mapped_column(String(40))  # None: the default
    provider: Mapped[str | None] = mapped_column(String(20))
    account_id: Mapped[str | None] = mapped_column(String(200))
    secret_encrypted: Mapped[str | None] = mapped_column(Text)
    enabled: Mapped[bool] = mapped_column(default=False)
    surcharge_percent: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))
    surcharge_label: Mapped[str | None] = mapped_column(String(100))
    timing: Mapped[str | None] = mapped_column(String(20))
    legal: Mapped[dict | None]
    updated_at: Mapped[datetime]


class OrderRow(FollowedOrder, Base):
    """An order as payments follows it from the order events, with what a payment is checked
    against."""

    __tablename__ = "orders"

    currency: Mapped[Currency]
    grand_total: Mapped[Amount]
    items_total: Mapped[Amount]
    line_count: Mapped[int]
    has_delivery: Mapped[bool]
    prepayment_percent: Mapped[int | None]
    discount: Mapped[Amount | None]


class ProviderPayment:
    """A payment made at a provider, as both kinds keep it: a part of an order (`PaymentRow`) and
    a shop's payment of its debt to the platform (`LedgerPaymentRow`)."""

    status: Mapped[str] = mapped_column(String(10))  # pending | succeeded | failed
    amount: Mapped[Amount]
    currency: Mapped[Currency]
    provider: Mapped[str] = mapped_column(String(20))
    provider_payment_id: Mapped[str | None] = mapped_column(String(100))
    confirmation_url: Mapped[str | None] = mapped_column(Text)
    return_url: Mapped[str] = mapped_column(Text)
    idempotency_key: Mapped[str] = mapped_column(String(200))
    failure_reason: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    checked_at: Mapped[datetime | None]  # last asked of the provider (reconciliation)


class PaymentRow(ProviderPayment, Base):
    __tablename__ = "payments"

    id: Mapped[Key]
    order_id: Mapped[Id]
    shop_id: Mapped[Id]
    buyer_id: Mapped[Id]
    part: Mapped[str] = mapped_column(String(10))
    refunded: Mapped[Amount] = mapped_column(default=0)

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
    payment_id: Mapped[Id]
    received_at: Mapped[datetime]


class RefundRow(Base):
    __tablename__ = "refunds"

    id: Mapped[Key]
    payment_id: Mapped[Id]
    order_id: Mapped[Id]
    amount: Mapped[Amount]
    currency: Mapped[Currency]
    reason: Mapped[str] = mapped_column(String(500))
    status: Mapped[str] = mapped_column(String(10))
    created_by: Mapped[Id]
    idempotency_key: Mapped[str] = mapped_column(String(200))
    provider_refund_id: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime]

    __table_args__ = (
        UniqueConstraint("created_by", "idempotency_key", name="uq_refunds_key"),
        Index("ix_refunds_payment", "payment_id", "created_at"),
        Index("ix_refunds_order", "order_id", "created_at"),
    )


class LedgerEntryRow(Base):
    __tablename__ = "ledger_entries"

    id: Mapped[Key]
    shop_id: Mapped[Id]
    kind: Mapped[str] = mapped_column(String(20))  # commission | payment
    ref: Mapped[Id]  # order or payment id
    amount: Mapped[Amount]  # > 0; kind gives the sign
    currency: Mapped[Currency]
    base_amount: Mapped[Amount | None]
    percent: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))
    plan: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime]
    due_at: Mapped[datetime | None]
    overdue_checked_at: Mapped[datetime | None]

    __table_args__ = (
        UniqueConstraint("kind", "ref", name="uq_ledger_entries_kind_ref"),
        Index("ix_ledger_entries_shop", "shop_id", "created_at"),
        Index("ix_ledger_entries_due", "kind", "due_at"),
    )


class LedgerPaymentRow(ProviderPayment, Base):
    __tablename__ = "ledger_payments"

    id: Mapped[Key]
    shop_id: Mapped[Id]
    created_by: Mapped[Id]

    __table_args__ = (
        UniqueConstraint("created_by", "idempotency_key", name="uq_ledger_payments_key"),
        UniqueConstraint("provider", "provider_payment_id", name="uq_ledger_payments_ref"),
        Index("ix_ledger_payments_status", "status", "created_at"),
    )


class LedgerAccountRow(Base):
    __tablename__ = "ledger_accounts"

    shop_id: Mapped[Key]
    overdue_announced: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[datetime]


class RefundObligationRow(Base):
    __tablename__ = "refund_obligations"

    order_id: Mapped[Key]
    shop_id: Mapped[Id]
    seller_id: Mapped[Id | None]
    status: Mapped[str] = mapped_column(String(10))  # owed | overdue | settled
    owed: Mapped[Amount]  # as last counted
    currency: Mapped[Currency]
    cancelled_at: Mapped[datetime]
    due_at: Mapped[datetime]
    overdue_at: Mapped[datetime | None]
    settled_at: Mapped[datetime | None]
    updated_at: Mapped[datetime]

    __table_args__ = (
        Index("ix_refund_obligations_due", "status", "due_at"),
    )
