"""The moderation command log: commands applied, by request id, so a redelivered RPC does nothing twice.

Revision ID: 0004
Revises: 0003
"""

from services.common.kernel_migrations import create_commands, drop_commands

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_commands()


def downgrade() -> None:
    drop_commands()
