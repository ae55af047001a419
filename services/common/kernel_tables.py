"""The tables every service database has: its outbox (events to publish), its inbox (events handled)
and its command log (commands applied, by request id, so a redelivered RPC is answered, not redone).

They are defined on the service's own metadata, so each service's Alembic history creates them.
"""

from __future__ import annotations

from sqlalchemy import (
    DDL,
    BigInteger,
    Column,
    DateTime,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    bindparam,
    event,
    text,
)
from sqlalchemy.sql.elements import TextClause

# SQLite only auto-increments an INTEGER PRIMARY KEY.
SEQ = BigInteger().with_variant(Integer(), "sqlite")

# On PostgreSQL a transaction that adds outbox rows notifies this channel when it commits (once,
# however many rows), so relays publish at once instead of polling. NOTIFY reaches the listeners of
# the same database only. Frozen like the migrations that run it: a change needs a new revision.
OUTBOX_CHANNEL = "atelier_outbox"
OUTBOX_NOTIFY = (
    "CREATE FUNCTION outbox_notify() RETURNS trigger LANGUAGE plpgsql AS "
    f"$$ BEGIN PERFORM pg_notify('{OUTBOX_CHANNEL}', ''); RETURN NULL; END $$",
    "CREATE TRIGGER outbox_notify AFTER INSERT ON outbox FOR EACH STATEMENT "
    "EXECUTE FUNCTION outbox_notify()",
)
OUTBOX_NOTIFY_DROP = (
    "DROP TRIGGER IF EXISTS outbox_notify ON outbox",
    "DROP FUNCTION IF EXISTS outbox_notify()",
)


def outbox_table(metadata: MetaData) -> Table:
    if "outbox" in metadata.tables:
        return metadata.tables["outbox"]
    table = Table(
        "outbox",
        metadata,
        Column("seq", SEQ, primary_key=True, autoincrement=True),
        Column("event_id", String(36), nullable=False, unique=True),
        Column("type", String(100), nullable=False),
        Column("aggregate_id", String(64), nullable=True),
        Column("payload", Text, nullable=False),
        Column("created_at", DateTime(timezone=True), nullable=False),
        Column("sent_at", DateTime(timezone=True), nullable=True),
    )
    Index(
        "ix_outbox_pending",
        table.c.seq,
        postgresql_where=text("sent_at IS NULL"),
        sqlite_where=text("sent_at IS NULL"),
    )
    Index("ix_outbox_pending_aggregate", table.c.aggregate_id, table.c.seq,
          postgresql_where=text("sent_at IS NULL"), sqlite_where=text("sent_at IS NULL"))
    for statement in OUTBOX_NOTIFY:  # for `create_all`; services get it from their migrations
        event.listen(table, "after_create", DDL(statement).execute_if(dialect="postgresql"))
    return table


def inbox_table(metadata: MetaData) -> Table:
    """One row per event a consumer handled, written in the transaction of its effect."""
    return _table(
        metadata,
        "inbox",
        Column("consumer", String(150), primary_key=True),
        Column("event_id", String(36), primary_key=True),
        Column("event_type", String(100), nullable=False),
        Column("handled_at", DateTime(timezone=True), nullable=False),
    )


def commands_table(metadata: MetaData) -> Table:
    """One row per command that created something, written in the transaction of its effect: a
    repeat of the same request id by the same caller is answered with `result` and does nothing."""
    return _table(
        metadata,
        "commands",
        Column("name", String(100), primary_key=True),
        Column("caller_id", String(64), primary_key=True),
        Column("request_id", String(200), primary_key=True),
        Column("result", Text, nullable=True),
        Column("applied_at", DateTime(timezone=True), nullable=False),
    )


def _table(metadata: MetaData, name: str, *columns: Column) -> Table:
    """The table `name` of `metadata`, made of `columns` the first time it is asked for."""
    if name in metadata.tables:
        return metadata.tables[name]
    return Table(name, metadata, *columns)


def add_kernel_tables(metadata: MetaData) -> tuple[Table, Table, Table]:
    return outbox_table(metadata), inbox_table(metadata), commands_table(metadata)


def insert_unless_present(table: Table, *values: str) -> TextClause:
    """`INSERT INTO table (values) ... ON CONFLICT (primary key) DO NOTHING`, whose row count tells
    whether the row was new. Written as text, which SQLAlchemy caches once compiled (its
    `on_conflict_do_nothing()` constructs carry no cache key and were compiled afresh for every
    call); PostgreSQL and SQLite (3.24+) share the syntax. Times are bound with their column's
    type, so they are stored as the column stores them."""
    key = ", ".join(column.name for column in table.primary_key)
    statement = text(
        f"INSERT INTO {table.name} ({', '.join(values)}) "
        f"VALUES ({', '.join(':' + name for name in values)}) ON CONFLICT ({key}) DO NOTHING")
    return statement.bindparams(*(bindparam(name, type_=table.c[name].type) for name in values
                                  if isinstance(table.c[name].type, DateTime)))
