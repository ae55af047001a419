"""Two small services built on the kernel exactly as product services are, used to prove it.

`probe_producer` records notes and a `probe.note_recorded` event per note; `probe_consumer` stores
every note it hears about. A note whose text is "poison" fails in the consumer while the file named by
`PROBE_POISON_FILE` exists, and each failed attempt is appended to that file.
"""

from __future__ import annotations

import os
import uuid

from marshmallow import Schema, fields
from sqlalchemy import Column, Integer, MetaData, String, Table, insert, text

from services.common import clock, events, runtime
from services.common.db import make_engine, new_metadata
from services.common.kernel_tables import add_kernel_tables
from services.common.runtime.messaging import event_handler
from services.common.runtime.rpc import rpc
from services.common.uow import UnitOfWork


class NoteRecorded(Schema):
    note_id = fields.UUID(required=True)
    text = fields.String(required=True)
    position = fields.Integer(required=True)


events.register("probe.note_recorded", NoteRecorded)

producer_metadata = new_metadata()
add_kernel_tables(producer_metadata)
notes = Table("notes", producer_metadata,
              Column("id", String(36), primary_key=True), Column("text", String(200)))

consumer_metadata = new_metadata()
add_kernel_tables(consumer_metadata)
received = Table(
    "received", consumer_metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("note_id", String(36), nullable=False),
    Column("event_id", String(36), nullable=False),
    Column("position", Integer, nullable=False),
    Column("pid", Integer, nullable=False),
)


def create_tables(metadata: MetaData, url: str) -> None:
    engine = make_engine(url, pool_size=1)
    metadata.create_all(engine)
    engine.dispose()


def record_notes(uow: UnitOfWork, texts: list[str], aggregate_id: str | None = None) -> list[str]:
    """Inside `with uow:`: a note and its event per text."""
    ids = []
    for position, note_text in enumerate(texts):
        note_id = str(uuid.uuid4())
        uow.session.execute(insert(notes).values(id=note_id, text=note_text))
        uow.record("probe.note_recorded",
                   {"note_id": note_id, "text": note_text, "position": position},
                   aggregate_id=aggregate_id or note_id)
        ids.append(note_id)
    return ids


class ProbeProducer(runtime.Service):
    name = "probe_producer"

    @rpc
    def record(self, texts, fail=False, aggregate_id=None):
        with self.uow:
            ids = record_notes(self.uow, texts, aggregate_id)
            if fail:
                raise RuntimeError("refused after recording")
        return ids

    @rpc
    def slow(self, seconds):
        with self.uow:
            self.uow.session.execute(text("SELECT pg_sleep(:s)"), {"s": seconds})
        return "slow"

    @rpc
    def fast(self):
        with self.uow:
            self.uow.session.execute(text("SELECT 1"))
        return "fast"

    @rpc
    def now(self):
        return clock.now().isoformat()


class ProbeConsumer(runtime.Service):
    name = "probe_consumer"

    @event_handler("probe.note_recorded")
    def on_note_recorded(self, uow, event):
        poison_file = os.environ.get("PROBE_POISON_FILE")
        if event.data["text"] == "poison" and poison_file and os.path.exists(poison_file):
            with open(poison_file, "a") as f:
                f.write(f"{event.id}\n")
            raise RuntimeError("cannot digest this note")
        uow.session.execute(insert(received).values(
            note_id=str(event.data["note_id"]), event_id=event.id,
            position=event.data["position"], pid=os.getpid(),
        ))
