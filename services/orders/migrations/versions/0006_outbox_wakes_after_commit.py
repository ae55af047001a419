"""On PostgreSQL, the orders outbox no longer notifies its relays from inside the writing
transaction: the service wakes them after the commit (`UnitOfWork(wake_relays_after_commit=True)`,
one NOTIFY for the commits that end while one is being sent). A NOTIFY inside a transaction holds
the server's one notification lock through the commit's flush to disk, so concurrent checkouts
queued behind each other there.

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
