"""Nameko dependencies: a worker's unit of work, its caller, and (for code not yet on the unit of
work) its database and outbox."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from nameko.extensions import DependencyProvider
from sqlalchemy.orm import sessionmaker

from ..caller import Caller
from ..db import Db, RelayWakeups, make_engine
from ..outbox import EventRecorder
from ..settings import database_url, refuse_test_hooks_in_production
from ..uow import UnitOfWork
from . import logs


class Database(DependencyProvider):
    """Each worker gets a `Db` on `<SERVICE>_DATABASE_URL`: one engine for transactions, one in
    autocommit mode for reads outside any."""

    def __init__(self, url: str | None = None):
        self.url = url

    def setup(self):
        refuse_test_hooks_in_production()
        url = self.url or database_url(self.container.service_name)
        self.engine = make_engine(url)
        self.read_engine = make_engine(url, autocommit=True)
        self.wakeups = RelayWakeups(self.read_engine)
        self.factory = sessionmaker(bind=self.engine, expire_on_commit=False)

    def stop(self):
        self.engine.dispose()
        self.read_engine.dispose()

    def kill(self):
        self.stop()

    def get_dependency(self, worker_ctx):
        return Db(self.factory, self.read_engine, self.wakeups)


def _recorder(container, worker_ctx) -> EventRecorder:
    # An event's correlation id is the request id the worker was called with, so a request can be
    # followed from the gateway through every event it causes.
    return EventRecorder(producer=container.service_name,
                         correlation_id=worker_ctx.context_data.get("request_id"))


class UnitOfWorkProvider(Database):
    """Each worker gets a `UnitOfWork` on the service's database. `peers`, if given, is called with
    the service instance (after Nameko has injected its RPC proxies) the first time an action asks
    for `uow.peers`. `wake_relays_after_commit`: for a service whose migrations dropped the outbox's
    NOTIFY trigger (see `UnitOfWork`)."""

    def __init__(self, url: str | None = None, peers: Callable[[Any], Any] | None = None, *,
                 wake_relays_after_commit: bool = False):
        super().__init__(url)
        self.make_peers = peers
        self.wake_relays_after_commit = wake_relays_after_commit

    def worker_setup(self, worker_ctx):
        logs.bind(worker_ctx.context_data.get("request_id"))

    def worker_teardown(self, worker_ctx):
        logs.clear()

    def get_dependency(self, worker_ctx):
        peers = None
        if self.make_peers is not None:
            peers = _Lazy(lambda: self.make_peers(worker_ctx.service))
        return UnitOfWork(Db(self.factory, self.read_engine, self.wakeups),
                          _recorder(self.container, worker_ctx), peers,
                          wake_relays_after_commit=self.wake_relays_after_commit)


class _Lazy:
    __slots__ = ("_make", "_value")

    def __init__(self, make):
        self._make, self._value = make, None

    def __call__(self):
        if self._value is None:
            self._value = self._make()
        return self._value


class CallerProvider(DependencyProvider):
    """`self.caller` is the `Caller` of the current worker."""

    def get_dependency(self, worker_ctx):
        return Caller.from_context(worker_ctx.context_data)
