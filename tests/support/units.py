"""Use-case tests at the actions' own layer: a service's tables on SQLite in memory, a unit of work
on them, and a record of the events its actions wrote to the outbox.

    uow = units.unit_of_work(orders_models.Base.metadata, "orders", peers=FakePeers())
    conversation.add_note(uow, seller, {"order_id": order_id, "text": "wrap as a gift"})
    assert units.recorded(uow) == [...]
"""

from __future__ import annotations

import json
import uuid

from sqlalchemy import MetaData, select
from sqlalchemy.orm import sessionmaker

from services.common.db import Db, make_engine
from services.common.kernel_tables import outbox_table
from services.common.outbox import EventRecorder
from services.common.uow import UnitOfWork

_OUTBOX = outbox_table(MetaData())


def unit_of_work(metadata: MetaData, service: str, peers=None) -> UnitOfWork:
    """A unit of work on a fresh in-memory database holding `metadata`'s tables (shared between
    the transaction engine and the reading one, and gone when both are)."""
    url = f"sqlite:///file:{service}-{uuid.uuid4().hex}?mode=memory&cache=shared&uri=true"
    engine = make_engine(url)
    reader = make_engine(url, autocommit=True)
    metadata.create_all(engine)
    db = Db(sessionmaker(bind=engine, expire_on_commit=False), reader)
    uow = UnitOfWork(db, EventRecorder(service), peers)
    uow._keep_alive = (engine, reader)  # the in-memory database lives as long as its engines
    return uow


def recorded(uow: UnitOfWork, type_prefix: str = "") -> list[dict]:
    """The envelopes written to the outbox so far, oldest first (`{type, data, ...}`)."""
    with uow.reading() as session:
        rows = session.execute(select(_OUTBOX.c.payload).order_by(_OUTBOX.c.seq)).scalars()
        envelopes = [json.loads(row) for row in rows]
    return [e for e in envelopes if e["type"].startswith(type_prefix)]
