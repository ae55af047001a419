"""The seller ledger: commission and payments of debt per shop, the shop's payments to the
platform, whether its overdue debt was announced; and an order's promo discount (the commission's
base is the items after discounts).

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("orders", sa.Column("discount", sa.BigInteger(), nullable=True))
    op.create_table(
        "ledger_entries",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("shop_id", sa.String(36), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("ref", sa.String(36), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("base_amount", sa.BigInteger(), nullable=True),
        sa.Column("percent", sa.Numeric(5, 2), nullable=True),
        sa.Column("plan", sa.String(40), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("overdue_checked_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_ledger_entries"),
        sa.UniqueConstraint("kind", "ref", name="uq_ledger_entries_kind_ref"),
    )
    op.create_index("ix_ledger_entries_shop", "ledger_entries", ["shop_id", "created_at"])
    op.create_index("ix_ledger_entries_due", "ledger_entries", ["kind", "due_at"])
    op.create_table(
        "ledger_payments",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("shop_id", sa.String(36), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("provider", sa.String(20), nullable=False),
        sa.Column("provider_payment_id", sa.String(100), nullable=True),
        sa.Column("confirmation_url", sa.Text(), nullable=True),
        sa.Column("return_url", sa.Text(), nullable=False),
        sa.Column("created_by", sa.String(36), nullable=False),
        sa.Column("idempotency_key", sa.String(200), nullable=False),
        sa.Column("failure_reason", sa.String(200), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("checked_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_ledger_payments"),
        sa.UniqueConstraint("created_by", "idempotency_key", name="uq_ledger_payments_key"),
        sa.UniqueConstraint("provider", "provider_payment_id", name="uq_ledger_payments_ref"),
    )
    op.create_index("ix_ledger_payments_status", "ledger_payments", ["status", "created_at"])
    op.create_table(
        "ledger_accounts",
        sa.Column("shop_id", sa.String(36), nullable=False),
        sa.Column("overdue_announced", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("shop_id", name="pk_ledger_accounts"),
    )


def downgrade() -> None:
    op.drop_table("ledger_accounts")
    op.drop_index("ix_ledger_payments_status", table_name="ledger_payments")
    op.drop_table("ledger_payments")
    op.drop_index("ix_ledger_entries_due", table_name="ledger_entries")
    op.drop_index("ix_ledger_entries_shop", table_name="ledger_entries")
    op.drop_table("ledger_entries")
    with op.batch_alter_table("orders") as batch:
        batch.drop_column("discount")
