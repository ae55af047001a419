"""Recovery after a crash in the middle of a checkout (see `checkout.py` for the steps).

* An attempt still `reserving` once it is older than `ORDERS_CHECKOUT_STALE_SECONDS` belongs to a
  process that died (a live checkout finishes or gives up well before: its calls time out sooner).
  No order of it exists (orders are written in the transaction that marks it `done`), so every
  reservation it names is released and the attempt deleted; the key is free again. The attempt's row
  lock keeps a checkout that is merely slow from writing its orders meanwhile: it finds the attempt
  gone and refuses.

The orders service, not the catalog, owns this: only it knows whether an order was written (the
catalog's holds never expire by themselves, and its `release` is idempotent). A written order's
hold is made final by the catalog's `order.placed` handler. Runs with the deadline timer, which
fires at start-up too.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from sqlalchemy import select

from services.common import clock
from services.common.db import is_sqlite
from services.common.errors import ServiceError

from .. import settings
from ..models import CheckoutAttempt
from ..ports import Catalog

log = logging.getLogger(__name__)

BATCH = 20


def _locked(query, db):
    return query if is_sqlite(db.engine) else query.with_for_update(skip_locked=True)


def release_abandoned_checkouts(db, catalog: Catalog) -> int:
    stale_before = clock.now() - timedelta(seconds=settings.checkout_stale_seconds())
    released = 0
    with db.transaction() as session:
        attempts = session.scalars(_locked(
            select(CheckoutAttempt)
            .where(CheckoutAttempt.state == "reserving",
                   CheckoutAttempt.created_at < stale_before)
            .order_by(CheckoutAttempt.created_at).limit(BATCH), db)).all()
        for attempt in attempts:
            try:
                for order_id in attempt.order_ids:
                    catalog.release(order_id)
            except (ServiceError, RuntimeError):
                log.exception("could not release the stock of abandoned checkout %s", attempt.id)
                continue
            log.warning("released the stock of abandoned checkout %s (orders %s)",
                        attempt.id, ", ".join(attempt.order_ids))
            session.delete(attempt)
            released += 1
    return released
