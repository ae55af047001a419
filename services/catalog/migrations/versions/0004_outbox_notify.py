"""On PostgreSQL, a commit that adds rows to the catalog outbox notifies its relays.

Revision ID: 0004
Revises: 0003
"""

from services.common.kernel_migrations import create_outbox_notify, drop_outbox_notify

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_outbox_notify()


def downgrade() -> None:
    drop_outbox_notify()
