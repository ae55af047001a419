"""Orders as the `hit` label sees them: a product counts as bought once its order is paid
(`order_sales`: the order's lines from `order.placed` and its state).

The sales counted so far were counted at placement; they stay as they are (the catalog kept no
order's lines to tell them apart).

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "order_sales",
        sa.Column("order_id", sa.String(length=36), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("lines", sa.JSON(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("order_id", name=op.f("pk_order_sales")),
    )


def downgrade() -> None:
    op.drop_table("order_sales")
