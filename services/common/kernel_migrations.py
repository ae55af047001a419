"""Alembic operations for the kernel tables, called by each service's first revision.

Frozen: a later change to the kernel tables gets a new function here and a new revision per service.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from .kernel_tables import OUTBOX_NOTIFY, OUTBOX_NOTIFY_DROP, SEQ


def create_outbox_and_inbox() -> None:
    op.create_table(
        "outbox",
        sa.Column("seq", SEQ, primary_key=True, autoincrement=True),
        sa.Column("event_id", sa.String(36), nullable=False),
        sa.Column("type", sa.String(100), nullable=False),
        sa.Column("aggregate_id", sa.String(64), nullable=True),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("seq", name="pk_outbox"),
        sa.UniqueConstraint("event_id", name="uq_outbox_event_id"),
    )
    pending = sa.text("sent_at IS NULL")
    op.create_index("ix_outbox_pending", "outbox", ["seq"],
                    postgresql_where=pending, sqlite_where=pending)
    op.create_index("ix_outbox_pending_aggregate", "outbox", ["aggregate_id", "seq"],
                    postgresql_where=pending, sqlite_where=pending)
    op.create_table(
        "inbox",
        sa.Column("consumer", sa.String(150), nullable=False),
        sa.Column("event_id", sa.String(36), nullable=False),
        sa.Column("event_type", sa.String(100), nullable=False),
        sa.Column("handled_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("consumer", "event_id", name="pk_inbox"),
    )


def drop_outbox_and_inbox() -> None:
    op.drop_table("inbox")
    op.drop_index("ix_outbox_pending_aggregate", table_name="outbox")
    op.drop_index("ix_outbox_pending", table_name="outbox")
    op.drop_table("outbox")


def create_outbox_notify() -> None:
    """PostgreSQL: a commit that added outbox rows wakes the relays (`kernel_tables.OUTBOX_NOTIFY`).
    SQLite has no notifications; its relays poll."""
    if op.get_bind().dialect.name == "postgresql":
        for statement in OUTBOX_NOTIFY:
            op.execute(statement)


def drop_outbox_notify() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for statement in OUTBOX_NOTIFY_DROP:
            op.execute(statement)


def create_commands() -> None:
    """The command log (`kernel_tables.commands_table`)."""
    op.create_table(
        "commands",
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("caller_id", sa.String(64), nullable=False),
        sa.Column("request_id", sa.String(200), nullable=False),
        sa.Column("result", sa.Text(), nullable=True),
        sa.Column("applied_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", "caller_id", "request_id", name="pk_commands"),
    )


def drop_commands() -> None:
    op.drop_table("commands")
