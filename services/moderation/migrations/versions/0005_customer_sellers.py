"""Which sellers have an order from which customer (kept from `order.placed`).

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
    op.create_table(
        "customer_sellers",
        sa.Column("customer_id", sa.String(length=36), nullable=False),
        sa.Column("seller_id", sa.String(length=36), nullable=False),
        sa.PrimaryKeyConstraint("customer_id", "seller_id", name=op.f("pk_customer_sellers")),
    )


def downgrade() -> None:
    op.drop_table("customer_sellers")
