"""Database access: engines per service, and `Db`, which hands out transactions on one of them.

`<SERVICE>_DATABASE_URL` picks the database (default: a SQLite file under `var/`). A plain
`postgresql://` URL is read as `postgresql+psycopg2://`: psycopg2 is made cooperative by eventlet's
monkey patching, so a slow query in one worker does not stall the others (psycopg 3 would block the hub).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import MetaData, create_engine, event, exc, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import QueuePool

from . import settings

log = logging.getLogger(__name__)

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def new_metadata() -> MetaData:
    """A service's own metadata, with constraint names Alembic can rely on."""
    return MetaData(naming_convention=NAMING_CONVENTION)


def normalise_url(url: str) -> str:
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg2")
    return parsed.render_as_string(hide_password=False)


def is_sqlite(engine_or_url) -> bool:
    url = engine_or_url.url if isinstance(engine_or_url, Engine) else make_url(engine_or_url)
    return url.get_backend_name() == "sqlite"


def make_engine(url: str, *, pool_size: int | None = None, threaded: bool = False,
                autocommit: bool = False) -> Engine:
    """An engine for `url`. Services run on eventlet: SQLite gets one connection per process, so
    workers queue for it cooperatively. A `threaded` caller (the gateway under gunicorn threads)
    gets a pool of SQLite connections instead: WAL lets its readers run side by side.

    An `autocommit` engine is for reads outside any transaction: its connections are made in that
    mode once, instead of switching a pooled connection's isolation level (a PRAGMA on SQLite each
    way) for every read."""
    url = normalise_url(url)
    isolation = {"isolation_level": "AUTOCOMMIT"} if autocommit else {}
    if not is_sqlite(url):
        size = pool_size or settings.env().int("DB_POOL_SIZE", 10)
        engine = create_engine(url, pool_size=size, max_overflow=size, **isolation)
        _ping_after_idle(engine, IDLE_PING_SECONDS)
        return engine

    database = make_url(url).database
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    # One connection per process: writers queue for it cooperatively instead of blocking the
    # event loop inside SQLite's busy handler. Other processes (the relay) wait on the file lock.
    engine = create_engine(
        url,
        poolclass=QueuePool,
        pool_size=(pool_size or 8) if threaded else 1,
        max_overflow=0,
        pool_timeout=60,
        connect_args={"timeout": 30, "check_same_thread": False},
        **isolation,
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # Let SQLAlchemy's BEGIN below be the only transaction control.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    if autocommit:
        return engine

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        # Take the write lock up front so two processes never deadlock upgrading read locks.
        # An AUTOCOMMIT connection (a lock-free look, as the relay's idle check) opens nothing.
        if connection.get_execution_options().get("isolation_level") != "AUTOCOMMIT":
            connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


IDLE_PING_SECONDS = 1.0


def _ping_after_idle(engine: Engine, seconds: float) -> None:
    """Check a pooled connection that sat idle for `seconds` before handing it out, and replace it
    if the server went away (a restart, an idle timeout). A connection back from work a moment ago
    is handed out as is: pinging every checkout costs a round trip per transaction under load."""

    @event.listens_for(engine, "checkin")
    def _checked_in(_dbapi_connection, record):
        record.info["checked_in_at"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _checking_out(dbapi_connection, record, _proxy):
        idle_since = record.info.get("checked_in_at")
        if idle_since is None or time.monotonic() - idle_since < seconds:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as error:
            # The pool discards this connection and checks out another (documented behaviour).
            raise exc.DisconnectionError(str(error)) from error


class RelayWakeups:
    """Wakes the relays listening on a PostgreSQL database's outbox channel once rows were
    committed: a NOTIFY in a statement of its own, after the commit. (A NOTIFY inside the writing
    transaction holds PostgreSQL's one notification lock, for every database of the server,
    through the commit's flush to disk: concurrent commits that notify then queue behind each
    other.)

    One NOTIFY serves every commit that ended before it began: a commit that ends while one is
    being sent asks for one more after it instead of sending its own, so a busy service sends
    far fewer than one per transaction, and every commit is still followed by a NOTIFY sent after
    it. A service's workers share one (`runtime.Database`)."""

    def __init__(self, engine: Engine):
        self.engine = engine
        self._lock = threading.Lock()
        self._sending = False
        self._again = False

    def wake(self) -> None:
        if self.engine.dialect.name != "postgresql":
            return
        with self._lock:
            if self._sending:  # began before this commit ended: one more follows it
                self._again = True
                return
            self._sending = True
        try:
            while True:
                self._notify()
                with self._lock:
                    if not self._again:
                        self._sending = False
                        return
                    self._again = False
        except BaseException:
            with self._lock:
                self._sending = False
            raise

    def _notify(self) -> None:
        from .kernel_tables import OUTBOX_CHANNEL

        try:
            with self.engine.begin() as conn:  # no round trip more on an autocommit engine
                conn.execute(_NOTIFY, {"channel": OUTBOX_CHANNEL})
        except exc.DBAPIError as error:  # committed already: the relays' own poll finds the rows
            log.warning("could not wake the outbox relays: %s", error)


_NOTIFY = text("SELECT pg_notify(:channel, '')")


class Db:
    """What a worker gets: transactions on its service's database."""

    def __init__(self, factory: sessionmaker, read_engine: Engine,
                 wakeups: RelayWakeups | None = None):
        self._factory = factory
        self._read_engine = read_engine
        self._wakeups = wakeups or RelayWakeups(read_engine)

    @property
    def engine(self) -> Engine:
        return self._factory.kw["bind"]

    def session(self) -> Session:
        """A new session (the unit of work begins and ends its transaction)."""
        return self._factory()

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session inside one transaction: committed when the block ends, rolled back on error."""
        with self._factory.begin() as session:
            yield session

    def wake_relays(self) -> None:
        """PostgreSQL: tell the relays that outbox rows were committed (`RelayWakeups`)."""
        self._wakeups.wake()

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A session outside any transaction: no BEGIN and COMMIT round trips, no lock (SQLite's
        write lock included). Each statement sees what is committed when it runs, and a write
        commits by itself as it runs; so reads of several statements that must agree, and writes
        that must all happen or none, use `transaction()`."""
        with self._read_engine.connect() as conn, Session(bind=conn) as session:
            yield session
