"""The gateway's own database (`GATEWAY_DATABASE_URL`): users and login throttling."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session, sessionmaker

from services.common.db import make_engine
from services.common.migrations import upgrade

from .settings import MIGRATIONS_DIR


class Store:
    """Transactions on the gateway database; made by the app factory, nothing at import."""

    def __init__(self, url: str):
        self.engine: Engine = make_engine(url, threaded=True)
        self.read_engine: Engine = make_engine(url, threaded=True, autocommit=True)
        self._factory = sessionmaker(bind=self.engine, expire_on_commit=False)

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        with self._factory.begin() as session:
            yield session

    @contextmanager
    def reading(self) -> Iterator[Connection]:
        """A connection for one read, outside any transaction: no lock taken, none waited for."""
        with self.read_engine.connect() as conn:
            yield conn

    def dispose(self) -> None:
        self.engine.dispose()
        self.read_engine.dispose()


def migrations_upgrade(url: str | None = None, revision: str = "head") -> None:
    """Bring the gateway database (`GATEWAY_DATABASE_URL` by default) to `revision`."""
    upgrade("gateway", url, revision=revision, script_location=MIGRATIONS_DIR)
