"""The gateway's own database (`GATEWAY_DATABASE_URL`): users and login throttling."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from services.common.db import make_engine
from services.common.migrations import upgrade

from .settings import MIGRATIONS_DIR


class Store:
    """Transactions on the gateway database; made by the app factory, nothing at import."""

    def __init__(self, url: str):
        self.engine: Engine = make_engine(url)
        self._factory = sessionmaker(bind=self.engine, expire_on_commit=False)

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        with self._factory.begin() as session:
            yield session

    def dispose(self) -> None:
        self.engine.dispose()


def migrations_upgrade(url: str | None = None, revision: str = "head") -> None:
    """Bring the gateway database (`GATEWAY_DATABASE_URL` by default) to `revision`."""
    upgrade("gateway", url, revision=revision, script_location=MIGRATIONS_DIR)
