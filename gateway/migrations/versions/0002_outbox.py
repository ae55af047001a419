"""The gateway's outbox (and inbox): identity announces new accounts through it.

Revision ID: 0002_outbox
Revises: 0001
"""

from services.common.kernel_migrations import (
    create_outbox_and_inbox,
    create_outbox_notify,
    drop_outbox_and_inbox,
    drop_outbox_notify,
)

revision = "0002_outbox"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_outbox_and_inbox()
    create_outbox_notify()


def downgrade() -> None:
    drop_outbox_notify()
    drop_outbox_and_inbox()
