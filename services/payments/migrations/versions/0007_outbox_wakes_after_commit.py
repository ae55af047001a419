"""On PostgreSQL, the payments outbox no longer notifies its relays from inside the writing
transaction: the service wakes them after the commit (`UnitOfWork(wake_relays_after_commit=True)`).
A NOTIFY inside a transaction holds the server's one notification lock through the commit's flush
to disk, so concurrent provider notifications queued behind each other.

Revision ID: 0007
Revises: 0006
"""

from services.common.kernel_migrations import create_outbox_notify, drop_outbox_notify

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    drop_outbox_notify()


def downgrade() -> None:
    create_outbox_notify()
