"""A shop's rating: the sum and the count of its public review ratings (`review.posted`).

Shops start at none: the catalog kept no per-shop ratings before (a review names several products,
so the products' own counters cannot tell the shop's).

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ALTERs on both backends (SQLite 3.35+), no batch rebuild of a table with children.
    op.add_column("shops", sa.Column("rating_sum", sa.BigInteger(), nullable=False,
                                     server_default=sa.text("0")))
    op.add_column("shops", sa.Column("rating_count", sa.Integer(), nullable=False,
                                     server_default=sa.text("0")))


def downgrade() -> None:
    op.execute("ALTER TABLE shops DROP COLUMN rating_count")
    op.execute("ALTER TABLE shops DROP COLUMN rating_sum")
