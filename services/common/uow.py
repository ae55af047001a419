"""The unit of work: what every action of every service is handed, first of its arguments.

    def add_note(uow: UnitOfWork, caller: Caller, data: dict) -> dict:
        with uow:                                   # one transaction
            order = find_order(uow.session, data["order_id"], lock=True)
            ...
            uow.record("message.posted", {...}, aggregate_id=order.id)
            return note_view(note)                  # committed as the block ends

- `with uow:` opens a transaction on the service's database: committed when the block ends,
  rolled back when it raises. A unit of work is reused for the action's next transaction.
- `uow.session` is the SQLAlchemy session of the open transaction.
- `uow.record(type, data, aggregate_id=...)` writes an event to the outbox in that transaction, so
  it is published if and only if the transaction commits (`services.common.outbox`).
- `uow.before_commit(fn)` runs `fn(uow)` once, just before the commit, however often it is asked
  for in the transaction: work gathered along the way is done once (the catalog's counters).
- `uow.after_commit(fn)` runs `fn()` once the transaction has committed.
- A service whose outbox has no NOTIFY trigger (payments) makes its units of work with
  `wake_relays_after_commit=True`: a transaction that recorded events wakes the relays once it has
  committed (`Db.wake_relays`), outside the transaction.
- `with uow.reading() as session:` reads outside any transaction (see `Db.reading`).
- `uow.peers` are the other services the action may call, through their ports. They are never
  called inside the transaction: a transaction that waits on another service holds its locks (on
  SQLite, the whole database) while it waits.

A **command** that creates something (a cart line, a message, a note, a review) runs with
`run_once`: the request id the gateway sent is claimed in the command log inside the command's own
transaction, and the answer is stored with it. A repeat of the same request id by the same caller,
a redelivered RPC after a crash between commit and acknowledgement, gets the first answer and
changes nothing.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

from sqlalchemy import MetaData, null, select, update
from sqlalchemy.orm import Session

from . import clock
from .caller import Caller
from .db import Db
from .kernel_tables import commands_table, insert_unless_present
from .outbox import EventRecorder

_COMMANDS = commands_table(MetaData())
_CLAIM = insert_unless_present(_COMMANDS, "name", "caller_id", "request_id", "applied_at")


class Replayed(Exception):
    """The command was applied before under the same request id; `result` is its first answer."""

    def __init__(self, result: Any):
        super().__init__("replayed")
        self.result = result


def _key(command: tuple[str, str, str]):
    name, caller_id, request_id = command
    return (_COMMANDS.c.name == name, _COMMANDS.c.caller_id == caller_id,
            _COMMANDS.c.request_id == request_id)


class UnitOfWork:
    def __init__(self, db: Db, recorder: EventRecorder, peers: Any = None, *,
                 wake_relays_after_commit: bool = False):
        self._db = db
        self._wake = db.wake_relays if wake_relays_after_commit else None
        self._recorder = recorder
        self._peers = peers
        self._session: Session | None = None
        self._before: dict[Callable, None] = {}
        self._after: list[Callable[[], Any]] = []
        self._command: tuple[str, str, str] | None = None
        self._command_result: Any = None
        self._holding_command = False

    # -- the transaction ---------------------------------------------------------------------------
    @property
    def session(self) -> Session:
        if self._session is None:
            raise RuntimeError("no transaction is open: use `with uow:`")
        return self._session

    @property
    def in_transaction(self) -> bool:
        return self._session is not None

    def __enter__(self) -> UnitOfWork:
        if self._session is not None:
            raise RuntimeError("a transaction of this unit of work is already open")
        self._session = self._db.session()
        self._session.begin()
        if self._command is not None:
            self._claim_command()
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None and self._command is not None:
            # A command commits with its answer (`run_once`), once the action has returned it.
            self._holding_command = True
            return
        self._finish(commit=exc_type is None)

    def _finish(self, *, commit: bool) -> None:
        session = self._session
        try:
            if commit:
                for hook in list(self._before):
                    hook(self)
                session.commit()
            else:
                session.rollback()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()
            self._session, self._before = None, {}
            after, self._after = self._after, []
        if commit:
            for hook in after:
                hook()

    def record(self, type_: str, data: dict[str, Any], *, aggregate_id: Any = None) -> dict:
        """Write an event to the outbox of the open transaction (see `EventRecorder.record`); with
        `wake_relays_after_commit`, the relays are woken once the transaction has committed."""
        envelope = self._recorder.record(self.session, type_, data, aggregate_id=aggregate_id)
        if self._wake is not None and self._wake not in self._after:
            self._after.append(self._wake)
        return envelope

    def correlate(self, correlation_id: str | None) -> None:
        """Events recorded from now on carry this correlation id (an event handler sets the one of
        the event it is handling)."""
        self._recorder.correlation_id = correlation_id

    def before_commit(self, hook: Callable[[UnitOfWork], Any]) -> None:
        self.session  # noqa: B018 - only inside a transaction
        self._before.setdefault(hook, None)

    def after_commit(self, hook: Callable[[], Any]) -> None:
        self.session  # noqa: B018 - only inside a transaction
        self._after.append(hook)

    def reading(self) -> AbstractContextManager[Session]:
        return self._db.reading()

    @property
    def peers(self) -> Any:
        if self._peers is None:
            raise RuntimeError("this service calls no other service")
        return self._peers() if callable(self._peers) else self._peers

    # -- commands applied once ---------------------------------------------------------------------
    def run_once(self, name: str, caller: Caller, action: Callable[..., Any], *args: Any) -> Any:
        """`action(self, caller, *args)`, applied once per `caller.command_id`: its transaction
        claims the request id and stores the answer before it commits; a repeat answers the same
        and changes nothing. Without a request id the action simply runs. The action writes in one
        transaction; refused (an error) it leaves no trace, and a repeat is tried afresh."""
        if not caller.command_id:
            return action(self, caller, *args)
        self._command = (name, caller.user_id or "", caller.command_id)
        try:
            result = action(self, caller, *args)
            if self._holding_command:
                self.session.execute(
                    update(_COMMANDS).where(*self._command_key()).values(
                        result=json.dumps(result, separators=(",", ":"))))
                self._finish(commit=True)
            return result
        except Replayed as replay:
            return replay.result
        finally:
            if self._session is not None:
                self._finish(commit=False)
            self._command, self._holding_command = None, False

    def earlier_answer(self, name: str, caller: Caller) -> Any:
        """The answer command `name` gave under the caller's command id, or None, read outside any
        transaction. For a command that asks another service before it writes: `run_once` finds a
        repeat only when the command's transaction opens, and by then the question asked would no
        longer be the same (a first cart add already counts in the cart)."""
        if not caller.command_id:
            return None
        with self.reading() as session:
            return self.answer_read(session.execute(select(self.stored_answer(name, caller)))
                                    .scalar_one())

    @staticmethod
    def stored_answer(name: str, caller: Caller):
        """What `earlier_answer` reads, as a column to read in one statement with what else the
        command needs to know before it asks another service (`answer_read` decodes it)."""
        if not caller.command_id:
            return null()
        return select(_COMMANDS.c.result).where(*_key(
            (name, caller.user_id or "", caller.command_id))).scalar_subquery()

    @staticmethod
    def answer_read(stored: str | None) -> Any:
        return None if stored is None else json.loads(stored)

    def _command_key(self):
        return _key(self._command)

    def _claim_command(self) -> None:
        if self._holding_command:
            raise RuntimeError("a command writes in one transaction")
        name, caller_id, request_id = self._command
        claimed = self.session.execute(_CLAIM, {
            "name": name, "caller_id": caller_id, "request_id": request_id,
            "applied_at": clock.now()}).rowcount == 1
        if claimed:
            return
        # Applied before (or by a concurrent delivery, whose commit the insert waited for).
        stored = self.session.execute(select(_COMMANDS.c.result).where(*self._command_key()))
        result = stored.scalar_one_or_none()
        self._finish(commit=False)
        raise Replayed(None if result is None else json.loads(result))
