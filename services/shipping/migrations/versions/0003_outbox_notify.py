"""On PostgreSQL, a commit that adds rows to the shipping outbox notifies its relays.

Revision ID: 0003
Revises: 0002
"""

from services.common.kernel_migrations import create_outbox_notify, drop_outbox_notify

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_outbox_notify()


def downgrade() -> None:
    drop_outbox_notify()
