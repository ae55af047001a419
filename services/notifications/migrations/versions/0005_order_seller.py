"""Order parties keep the seller (from `order.placed`), so no notice waits on the catalog.

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
    with op.batch_alter_table("order_parties") as batch_op:
        batch_op.add_column(sa.Column("seller_id", sa.String(length=36), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("order_parties") as batch_op:
        batch_op.drop_column("seller_id")
