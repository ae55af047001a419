"""The catalog command log: commands applied, by request id, so a redelivered RPC does nothing twice.

Revision ID: 0005
Revises: 0004
"""

from services.common.kernel_migrations import create_commands, drop_commands

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_commands()


def downgrade() -> None:
    drop_commands()
