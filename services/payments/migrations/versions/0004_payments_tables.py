"""Shops with their plan and payment settings, orders as their events tell them, payments,
applied provider notifications and refunds.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

ACTIVE = sa.text("status IN ('pending', 'succeeded')")


def upgrade() -> None:
    op.create_table(
        "shops",
        sa.Column("shop_id", sa.String(36), nullable=False),
        sa.Column("owner_id", sa.String(36), nullable=True),
        sa.Column("plan", sa.String(40), nullable=True),
        sa.Column("provider", sa.String(20), nullable=True),
        sa.Column("account_id", sa.String(200), nullable=True),
        sa.Column("secret_encrypted", sa.Text(), nullable=True),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("surcharge_percent", sa.Numeric(5, 2), nullable=True),
        sa.Column("surcharge_label", sa.String(100), nullable=True),
        sa.Column("timing", sa.String(20), nullable=True),
        sa.Column("legal", sa.JSON(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("shop_id", name="pk_shops"),
    )
    op.create_table(
        "orders",
        sa.Column("order_id", sa.String(36), nullable=False),
        sa.Column("shop_id", sa.String(36), nullable=False),
        sa.Column("buyer_id", sa.String(36), nullable=True),
        sa.Column("seller_id", sa.String(36), nullable=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("status_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("grand_total", sa.BigInteger(), nullable=False),
        sa.Column("items_total", sa.BigInteger(), nullable=False),
        sa.Column("line_count", sa.Integer(), nullable=False),
        sa.Column("has_delivery", sa.Boolean(), nullable=False),
        sa.Column("prepayment_percent", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("order_id", name="pk_orders"),
    )
    op.create_table(
        "payments",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("order_id", sa.String(36), nullable=False),
        sa.Column("shop_id", sa.String(36), nullable=False),
        sa.Column("buyer_id", sa.String(36), nullable=False),
        sa.Column("part", sa.String(10), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("refunded", sa.BigInteger(), nullable=False),
        sa.Column("provider", sa.String(20), nullable=False),
        sa.Column("provider_payment_id", sa.String(100), nullable=True),
        sa.Column("confirmation_url", sa.Text(), nullable=True),
        sa.Column("return_url", sa.Text(), nullable=False),
        sa.Column("idempotency_key", sa.String(200), nullable=False),
        sa.Column("failure_reason", sa.String(200), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("checked_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_payments"),
        sa.UniqueConstraint("buyer_id", "idempotency_key", name="uq_payments_buyer_key"),
        sa.UniqueConstraint("provider", "provider_payment_id", name="uq_payments_provider_ref"),
    )
    op.create_index("ix_payments_order", "payments", ["order_id", "created_at"])
    op.create_index("ix_payments_status", "payments", ["status", "created_at"])
    op.create_index("ux_payments_active_part", "payments", ["order_id", "part"], unique=True,
                    sqlite_where=ACTIVE, postgresql_where=ACTIVE)
    op.create_table(
        "notifications",
        sa.Column("provider", sa.String(20), nullable=False),
        sa.Column("provider_payment_id", sa.String(100), nullable=False),
        sa.Column("event", sa.String(40), nullable=False),
        sa.Column("payment_id", sa.String(36), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("provider", "provider_payment_id", "event",
                                name="pk_notifications"),
    )
    op.create_table(
        "refunds",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("payment_id", sa.String(36), nullable=False),
        sa.Column("order_id", sa.String(36), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("reason", sa.String(500), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("created_by", sa.String(36), nullable=False),
        sa.Column("idempotency_key", sa.String(200), nullable=False),
        sa.Column("provider_refund_id", sa.String(100), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_refunds"),
        sa.UniqueConstraint("created_by", "idempotency_key", name="uq_refunds_key"),
    )
    op.create_index("ix_refunds_payment", "refunds", ["payment_id", "created_at"])
    op.create_index("ix_refunds_order", "refunds", ["order_id", "created_at"])


def downgrade() -> None:
    op.drop_table("refunds")
    op.drop_table("notifications")
    op.drop_index("ux_payments_active_part", table_name="payments")
    op.drop_index("ix_payments_status", table_name="payments")
    op.drop_index("ix_payments_order", table_name="payments")
    op.drop_table("payments")
    op.drop_table("orders")
    op.drop_table("shops")
