"""The outbox and inbox of the payments service.

Revision ID: 0001
Revises:
"""

from services.common.kernel_migrations import create_outbox_and_inbox, drop_outbox_and_inbox

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_outbox_and_inbox()


def downgrade() -> None:
    drop_outbox_and_inbox()
