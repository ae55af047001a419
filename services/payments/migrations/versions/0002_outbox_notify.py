"""On PostgreSQL, a commit that adds rows to the payments outbox notifies its relays.

Revision ID: 0002
Revises: 0001
"""

from services.common.kernel_migrations import create_outbox_notify, drop_outbox_notify

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_outbox_notify()


def downgrade() -> None:
    drop_outbox_notify()
