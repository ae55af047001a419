"""On PostgreSQL the orders service wakes its relays after the commit, as payments does (its
0007 says why): the outbox's NOTIFY trigger goes, since concurrent checkouts queued behind each other there.

Revision ID: 0006
Revises: 0005
"""

from services.common.kernel_migrations import create_outbox_notify, drop_outbox_notify

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    drop_outbox_notify()


def downgrade() -> None:
    create_outbox_notify()
