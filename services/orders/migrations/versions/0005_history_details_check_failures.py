"""A history row's details (what came with a move: the balance request's note and attachments),
and an order's count of failed deadline checks (each puts its next check off further).

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
    op.add_column("order_history", sa.Column("details", sa.JSON(), nullable=True))
    op.add_column("orders", sa.Column("check_failures", sa.Integer(), nullable=False,
                                      server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("orders") as batch:
        batch.drop_column("check_failures")
    with op.batch_alter_table("order_history") as batch:
        batch.drop_column("details")
