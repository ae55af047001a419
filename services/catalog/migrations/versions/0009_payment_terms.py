"""A shop's payment terms as payments announces them: when the buyer pays and the labelled
surcharge its invoices add (`shop.payment_settings_changed`).

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("shops", sa.Column("payment_terms", sa.JSON(), nullable=True))


def downgrade() -> None:
    op.execute("ALTER TABLE shops DROP COLUMN payment_terms")
