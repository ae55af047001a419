"""Shared steps for the kernel's integration tests (probe services on a fresh database pair)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import sessionmaker

from services.common.db import Db, make_engine
from services.common.outbox import EventRecorder
from services.common.uow import UnitOfWork
from tests.support import probe_services as probes

PRODUCER = "tests.support.probe_services:ProbeProducer"
CONSUMER = "tests.support.probe_services:ProbeConsumer"


@dataclass
class ProbeDatabases:
    producer_url: str
    consumer_url: str

    @property
    def env(self) -> dict[str, str]:
        return {
            "PROBE_PRODUCER_DATABASE_URL": self.producer_url,
            "PROBE_CONSUMER_DATABASE_URL": self.consumer_url,
        }

    def received(self) -> list[tuple]:
        engine = make_engine(self.consumer_url, pool_size=1)
        try:
            with engine.connect() as conn:
                return conn.execute(
                    select(probes.received.c.note_id, probes.received.c.position,
                           probes.received.c.pid).order_by(probes.received.c.id)
                ).all()
        finally:
            engine.dispose()

    def outbox_unsent(self) -> int:
        engine = make_engine(self.producer_url, pool_size=1)
        outbox = probes.producer_metadata.tables["outbox"]
        try:
            with engine.connect() as conn:
                return conn.execute(
                    select(func.count()).select_from(outbox).where(outbox.c.sent_at.is_(None))
                ).scalar_one()
        finally:
            engine.dispose()

    def record_directly(self, texts: list[str], aggregate_id: str | None = None, *,
                        wake_relays_after_commit: bool = False) -> list[str]:
        """Record notes and their events through the outbox, as a service's action does."""
        engine = make_engine(self.producer_url, pool_size=1)
        try:
            uow = UnitOfWork(Db(sessionmaker(bind=engine, expire_on_commit=False), engine),
                             EventRecorder("probe_producer"),
                             wake_relays_after_commit=wake_relays_after_commit)
            with uow:
                return probes.record_notes(uow, texts, aggregate_id)
        finally:
            engine.dispose()


def probe_databases(databases) -> ProbeDatabases:
    dbs = ProbeDatabases(databases.url("producer"), databases.url("consumer"))
    probes.create_tables(probes.producer_metadata, dbs.producer_url)
    probes.create_tables(probes.consumer_metadata, dbs.consumer_url)
    return dbs
