"""media: uploads and grants to read them

Revision ID: 0003_media
Revises: 0002_outbox
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0003_media"
down_revision = "0002_outbox"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "uploads",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("owner_id", sa.String(36), nullable=False),
        sa.Column("purpose", sa.String(20), nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("content_type", sa.String(100), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("width", sa.Integer(), nullable=True),
        sa.Column("height", sa.Integer(), nullable=True),
        sa.Column("filename", sa.String(255), nullable=True),
        sa.Column("variants", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("referenced_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_uploads")),
    )
    op.create_index(op.f("ix_uploads_owner_id"), "uploads", ["owner_id"])
    op.create_index("ix_uploads_unreferenced", "uploads", ["referenced_at", "created_at"])
    op.create_table(
        "upload_grants",
        sa.Column("upload_id", sa.String(36), nullable=False),
        sa.Column("user_id", sa.String(36), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["upload_id"], ["uploads.id"], ondelete="CASCADE",
                                name=op.f("fk_upload_grants_upload_id_uploads")),
        sa.PrimaryKeyConstraint("upload_id", "user_id", name=op.f("pk_upload_grants")),
    )


def downgrade() -> None:
    op.drop_table("upload_grants")
    op.drop_index("ix_uploads_unreferenced", table_name="uploads")
    op.drop_index(op.f("ix_uploads_owner_id"), table_name="uploads")
    op.drop_table("uploads")
