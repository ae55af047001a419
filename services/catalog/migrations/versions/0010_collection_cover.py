"""A collection's cover image (seed 003), as the gateway resolved it from the seller's upload:
`{id, url, page_url, thumb_url, width, height}`. Product images keep their JSON column: entries
are now such objects too, and plain links kept from before are read as images without an id.

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("collections", sa.Column("cover", sa.JSON(), nullable=True))


def downgrade() -> None:
    op.execute("ALTER TABLE collections DROP COLUMN cover")
