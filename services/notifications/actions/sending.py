"""The sender: delivers the e-mail, SMS and Telegram messages the handlers wrote, after their commit.

One run:
1. claims up to `batch` deliveries due (`pending`, `next_attempt_at` past) in a short transaction,
   by moving their `next_attempt_at` a lease ahead (`FOR UPDATE SKIP LOCKED` on PostgreSQL, so
   another replica claims others; SQLite's write lock makes replicas take turns): a delivery is
   in one sender's hands at a time, and back in the pool if that sender dies;
2. sends outside any transaction, each channel in a thread (green under Nameko) of its own, over
   one connection per channel: a channel that is slow or down holds up no other;
3. records the outcomes in one transaction: `sent`; or, after a failure, the next attempt with
   exponential back-off (`domain.retry`), `dead` with the reason after the last attempt or at once
   when the channel refused the message for good. When a channel turns out to be down, the
   messages behind the failed one are not tried: they wait as long as it does, without losing an
   attempt.
A message whose sender died after the server took it and before step 3 goes again once its lease
ends: at least once, never silently lost.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update

from services.common.uow import UnitOfWork

from .. import settings
from ..channels import Channels, Outgoing, Refused, Retry
from ..domain import retry
from ..models import Delivery

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Claimed:
    message: Outgoing
    attempts: int


@dataclass(frozen=True, slots=True)
class RunResult:
    sent: int = 0
    failed: int = 0
    dead: int = 0
    deferred: int = 0


def send_due(uow: UnitOfWork, channels: Channels, now: Callable[[], datetime], *, batch: int,
             lease: timedelta, policy: settings.RetryPolicy) -> RunResult:
    claimed = claim_due(uow, now(), batch, lease)
    if not claimed:
        return RunResult()
    by_channel: dict[str, list[Claimed]] = defaultdict(list)
    for item in claimed:
        by_channel[item.message.channel].append(item)

    def send(channel: str) -> tuple[str, list]:
        items = by_channel[channel]
        try:
            return channel, channels[channel].send_all([item.message for item in items])
        except Exception as exc:  # noqa: BLE001 - a bug in one channel fails its messages only
            log.exception("channel %s failed", channel)
            return channel, [Retry(f"{type(exc).__name__}: {exc}", down=True)]

    with ThreadPoolExecutor(max_workers=len(by_channel)) as pool:
        outcomes = dict(pool.map(send, list(by_channel)))
    return record(uow, by_channel, outcomes, now(), policy)


def claim_due(uow: UnitOfWork, now: datetime, batch: int, lease: timedelta) -> list[Claimed]:
    with uow:
        rows = uow.session.scalars(
            select(Delivery)
            .where(Delivery.status == "pending", Delivery.next_attempt_at <= now)
            .order_by(Delivery.next_attempt_at, Delivery.created_at)
            .limit(batch)
            .with_for_update(skip_locked=True)
        ).all()
        for row in rows:
            row.next_attempt_at = now + lease
        return [Claimed(Outgoing(row.id, row.channel, row.address, row.subject, row.text,
                                 row.html), row.attempts) for row in rows]


def record(uow: UnitOfWork, by_channel: dict[str, list[Claimed]], outcomes: dict[str, list],
           now: datetime, policy: settings.RetryPolicy) -> RunResult:
    sent_ids: list[str] = []
    counts = defaultdict(int)
    with uow:
        session = uow.session
        for channel, items in by_channel.items():
            results = outcomes[channel]
            wait_until: datetime | None = None
            for index, item in enumerate(items):
                if index >= len(results):  # not tried: the channel was down
                    counts["deferred"] += 1
                    _update(session, item, next_attempt_at=wait_until or now)
                    continue
                outcome = results[index]
                if outcome is None:
                    sent_ids.append(item.message.id)
                    continue
                attempts = item.attempts + 1
                delay = retry.after_failure(
                    attempts, base=policy.base_seconds, cap=policy.cap_seconds,
                    max_attempts=policy.max_attempts, permanent=isinstance(outcome, Refused))
                if delay is None:
                    counts["dead"] += 1
                    log.warning("delivery %s by %s to %s is dead after %d attempt(s): %s",
                                item.message.id, channel, item.message.address, attempts, outcome)
                    _update(session, item, status="dead", attempts=attempts,
                            last_error=str(outcome))
                else:
                    counts["failed"] += 1
                    wait_until = now + timedelta(seconds=delay)
                    log.info("delivery %s by %s failed (attempt %d), again in %.1fs: %s",
                             item.message.id, channel, attempts, delay, outcome)
                    _update(session, item, attempts=attempts, last_error=str(outcome),
                            next_attempt_at=wait_until)
        if sent_ids:
            session.execute(update(Delivery)
                            .where(Delivery.id.in_(sent_ids), Delivery.status == "pending")
                            .values(status="sent", sent_at=now, attempts=Delivery.attempts + 1)
                            .execution_options(synchronize_session=False))
    return RunResult(sent=len(sent_ids), failed=counts["failed"], dead=counts["dead"],
                     deferred=counts["deferred"])


def _update(session, item: Claimed, **values) -> None:
    session.execute(update(Delivery)
                    .where(Delivery.id == item.message.id, Delivery.status == "pending")
                    .values(**values).execution_options(synchronize_session=False))


__all__ = ["Claimed", "RunResult", "Retry", "claim_due", "record", "send_due"]
