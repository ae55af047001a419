"""Recovery after a crash in the middle of a checkout (see `checkout.py` for the steps).

* An attempt still `reserving` once it is older than `ORDERS_CHECKOUT_STALE_SECONDS` belongs to a
  process that died (a live checkout finishes or gives up well before: its calls time out sooner).
  No order of it exists (orders are written in the transaction that marks it `done`). Recovery
  marks it `releasing` in one transaction (its row lock keeps a checkout that is merely slow out
  meanwhile; that checkout then finds it no longer `reserving` and refuses), releases every
  reservation it names with no transaction open, and deletes it: the key is free again. A release
  that fails leaves it `releasing`, and the next run tries again (the catalog's release is
  idempotent).

The orders service, not the catalog, owns this: only it knows whether an order was written (the
catalog's holds never expire by themselves). A written order's hold is made final by the
catalog's `order.placed` handler. Runs with the deadline timer, after the deadlines, which fires
at start-up too.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from sqlalchemy import delete, select

from services.common import clock
from services.common.db import is_sqlite
from services.common.errors import ServiceError
from services.common.uow import UnitOfWork

from .. import settings
from ..models import CheckoutAttempt

log = logging.getLogger(__name__)

BATCH = 20
ABANDONED = ("reserving", "releasing")


def release_abandoned_checkouts(uow: UnitOfWork) -> int:
    """Release the stock of stale checkout attempts and delete them; how many were released."""
    stale_before = clock.now() - timedelta(seconds=settings.checkout_stale_seconds())
    with uow:
        query = (select(CheckoutAttempt)
                 .where(CheckoutAttempt.state.in_(ABANDONED),
                        CheckoutAttempt.created_at < stale_before)
                 .order_by(CheckoutAttempt.created_at).limit(BATCH))
        if not is_sqlite(uow.session.get_bind()):
            query = query.with_for_update(skip_locked=True)
        claimed = {}
        for attempt in uow.session.scalars(query).all():
            attempt.state = "releasing"
            claimed[attempt.id] = list(attempt.order_ids)
    released = []
    for attempt_id, order_ids in claimed.items():
        try:
            for order_id in order_ids:
                uow.peers.catalog.release(order_id)
        except (ServiceError, RuntimeError):
            log.exception("could not release the stock of abandoned checkout %s", attempt_id)
            continue
        log.warning("released the stock of abandoned checkout %s (orders %s)",
                    attempt_id, ", ".join(order_ids))
        released.append(attempt_id)
    if released:
        with uow:
            uow.session.execute(delete(CheckoutAttempt).where(
                CheckoutAttempt.id.in_(released), CheckoutAttempt.state == "releasing"))
    return len(released)
