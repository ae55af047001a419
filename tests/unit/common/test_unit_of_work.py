"""The unit of work on its own: commit and rollback, hooks, and commands applied once."""

from __future__ import annotations

import uuid
from types import SimpleNamespace

import pytest
from sqlalchemy import Column, Integer, String, Table, func, select

from services.common.caller import Caller
from services.common.db import RelayWakeups, new_metadata
from services.common.errors import Conflict
from services.common.kernel_tables import add_kernel_tables
from services.common.outbox import EventRecorder
from services.common.uow import UnitOfWork
from tests.support import units

metadata = new_metadata()
add_kernel_tables(metadata)
notes = Table("notes", metadata, Column("id", Integer, primary_key=True),
              Column("text", String(100), nullable=False))

ORDER = {"order_id": str(uuid.uuid4()), "shop_id": str(uuid.uuid4()), "buyer_id": None,
         "seller_id": str(uuid.uuid4())}


@pytest.fixture
def uow():
    return units.unit_of_work(metadata, "probe")


def count(uow) -> int:
    with uow.reading() as session:
        return session.execute(select(func.count()).select_from(notes)).scalar_one()


def add_note(uow, caller, data):
    with uow:
        uow.session.execute(notes.insert().values(text=data["text"]))
        uow.record("order.confirmed", ORDER, aggregate_id=ORDER["order_id"])
        return {"text": data["text"], "n": count_in(uow)}


def count_in(uow) -> int:
    return uow.session.execute(select(func.count()).select_from(notes)).scalar_one()


def test_a_block_that_ends_commits_its_rows_and_events_together(uow):
    add_note(uow, Caller(), {"text": "gift wrap"})
    assert count(uow) == 1
    assert [e["type"] for e in units.recorded(uow)] == ["order.confirmed"]


def test_a_block_that_raises_leaves_no_row_and_no_event(uow):
    with pytest.raises(Conflict), uow:
        uow.session.execute(notes.insert().values(text="x"))
        uow.record("order.confirmed", ORDER)
        raise Conflict("refused")
    assert count(uow) == 0
    assert units.recorded(uow) == []


def test_before_commit_hooks_run_once_per_transaction_and_after_commit_after_it(uow):
    seen = []

    def gather(unit):
        seen.append(("before", count_in(unit)))

    with uow:
        for text in ("a", "b"):
            uow.session.execute(notes.insert().values(text=text))
            uow.before_commit(gather)
        uow.after_commit(lambda: seen.append(("after", count(uow))))
    assert seen == [("before", 2), ("after", 2)]


def test_a_command_repeated_with_the_same_request_id_is_answered_and_not_applied_again(uow):
    seller = Caller(user_id=str(uuid.uuid4()), roles=frozenset({"seller"}), command_id="req-1")
    first = uow.run_once("add_note", seller, add_note, {"text": "one"})
    again = uow.run_once("add_note", seller, add_note, {"text": "one"})
    assert first == again == {"text": "one", "n": 1}
    assert count(uow) == 1
    assert len(units.recorded(uow)) == 1


def test_the_same_request_id_from_another_caller_or_command_is_a_new_command(uow):
    one = Caller(user_id=str(uuid.uuid4()), command_id="req-1")
    other = Caller(user_id=str(uuid.uuid4()), command_id="req-1")
    uow.run_once("add_note", one, add_note, {"text": "a"})
    uow.run_once("add_note", other, add_note, {"text": "b"})
    uow.run_once("add_other", one, add_note, {"text": "c"})
    assert count(uow) == 3


def test_a_refused_command_leaves_no_trace_and_its_repeat_is_tried_afresh(uow):
    caller = Caller(user_id=str(uuid.uuid4()), command_id="req-2")
    attempts = []

    def flaky(unit, _caller, data):
        attempts.append(1)
        if len(attempts) == 1:
            with unit:
                unit.session.execute(notes.insert().values(text="half"))
                raise Conflict("not now")
        return add_note(unit, _caller, data)

    with pytest.raises(Conflict):
        uow.run_once("add_note", caller, flaky, {"text": "x"})
    assert count(uow) == 0
    assert uow.run_once("add_note", caller, flaky, {"text": "x"}) == {"text": "x", "n": 1}
    assert count(uow) == 1


def test_a_unit_that_wakes_the_relays_does_so_once_after_a_commit_that_recorded_events():
    plain = units.unit_of_work(metadata, "probe")
    woken: list[str] = []
    plain._db.wake_relays = lambda: woken.append("after commit")  # the database's wake-up
    uow = UnitOfWork(plain._db, EventRecorder("probe"), wake_relays_after_commit=True)

    with uow:  # two events, one wake-up, after the commit
        uow.record("order.confirmed", ORDER, aggregate_id=ORDER["order_id"])
        uow.record("order.confirmed", ORDER, aggregate_id=ORDER["order_id"])
        assert woken == []
    assert woken == ["after commit"]
    with uow:  # nothing recorded: nothing to wake them for
        uow.session.execute(notes.insert().values(text="no event"))
    with pytest.raises(RuntimeError), uow:  # rolled back: no wake-up
        uow.record("order.confirmed", ORDER, aggregate_id=ORDER["order_id"])
        raise RuntimeError("refused")
    assert woken == ["after commit"]
    assert len(units.recorded(uow)) == 2


class _Wakeups(RelayWakeups):
    """Relay wake-ups on a PostgreSQL-like engine whose NOTIFYs are counted; `during` runs inside
    the first one, as commits that end while it is being sent."""

    def __init__(self, during=lambda: None):
        super().__init__(SimpleNamespace(dialect=SimpleNamespace(name="postgresql")))
        self.sent, self.during = 0, during

    def _notify(self):
        self.sent += 1
        if self.sent == 1:
            self.during()


def test_commits_that_end_while_the_relays_are_being_woken_share_one_more_wake_up_after_it():
    alone = _Wakeups()
    alone.wake()
    alone.wake()
    assert alone.sent == 2  # one after each commit when none is under way

    busy = _Wakeups(during=lambda: [busy.wake() for _ in range(3)])
    busy.wake()
    assert busy.sent == 2  # three commits during the first NOTIFY: one more, sent after them
    busy.wake()
    assert busy.sent == 3  # and nothing left pending


def test_a_failed_wake_up_does_not_keep_the_next_from_being_sent():
    def fail():
        raise OSError("gone")

    failing = _Wakeups(during=fail)
    with pytest.raises(OSError):
        failing.wake()
    failing.wake()
    assert failing.sent == 2
