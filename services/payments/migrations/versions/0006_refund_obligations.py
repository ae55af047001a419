"""Refunds owed after a paid order is cancelled: one row per order, with its due time and state.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "refund_obligations",
        sa.Column("order_id", sa.String(36), nullable=False),
        sa.Column("shop_id", sa.String(36), nullable=False),
        sa.Column("seller_id", sa.String(36), nullable=True),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("owed", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("overdue_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("settled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("order_id", name="pk_refund_obligations"),
    )
    op.create_index("ix_refund_obligations_due", "refund_obligations", ["status", "due_at"])


def downgrade() -> None:
    op.drop_index("ix_refund_obligations_due", table_name="refund_obligations")
    op.drop_table("refund_obligations")
