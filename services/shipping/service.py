"""Nameko entrypoints of the shipping service: thin, each loads input, calls an action, dumps the result.

Who may call what (the gateway passes the caller's identity as context data, see `caller.py`):
- changing a shop's delivery methods and adding shipments needs the role seller or admin. That the
  seller owns the shop (or, for a shipment, the order) is checked by the caller — the gateway
  against the catalog, the orders service against its order — before calling: shipping keeps no
  copy of who owns which shop;
- reading methods, quotes, checkout prices, shipments and deadlines is open to any caller.
Errors leave as the kernel's `Invalid`, `NotFound`, `Forbidden`, with a specific code and
per-field messages (`errors.at_the_boundary`).
"""

from __future__ import annotations

import logging
from datetime import timedelta

from services.common import clock, health
from services.common.errors import ServiceError
from services.common.runtime import CallerProvider, Database, Outbox
from services.common.runtime.messaging import event_handler
from services.common.runtime.rpc import rpc
from services.common.runtime.timers import ConfiguredTimer

from . import settings
from .actions import deadlines, methods, quotes, shipments, tracking
from .carriers import CarrierTracking
from .errors import MethodNotFound, at_the_boundary
from .schemas import InvalidRequest, uuid_text

log = logging.getLogger(__name__)

SELLERS = ("seller", "admin")


every = ConfiguredTimer.decorator
api = rpc(expected_exceptions=ServiceError)


class ShippingService:
    name = "shipping"

    db = Database()
    events = Outbox()
    caller = CallerProvider()
    carriers = CarrierTracking()

    @rpc
    def health(self):
        return health.report(self.name, self.db)

    # Delivery methods ---------------------------------------------------------------------------
    @api
    @at_the_boundary
    def create_method(self, shop_id, body):
        self.caller.require(*SELLERS)
        shop_id = uuid_text(shop_id, "shop_id")
        with self.db.transaction() as session:
            return methods.create_method(session, shop_id, body, clock.now())

    @api
    @at_the_boundary
    def list_methods(self, shop_id):
        shop_id = uuid_text(shop_id, "shop_id")
        with self.db.transaction() as session:
            return methods.list_methods(session, shop_id)

    @api
    @at_the_boundary
    def get_method(self, shop_id, method_id):
        shop_id, method_id = uuid_text(shop_id, "shop_id"), _method_id(method_id)
        with self.db.transaction() as session:
            return methods.get_method(session, shop_id, method_id)

    @api
    @at_the_boundary
    def patch_method(self, shop_id, method_id, changes):
        self.caller.require(*SELLERS)
        shop_id, method_id = uuid_text(shop_id, "shop_id"), _method_id(method_id)
        with self.db.transaction() as session:
            return methods.patch_method(session, shop_id, method_id, changes, clock.now())

    # Quotes -------------------------------------------------------------------------------------
    @api
    @at_the_boundary
    def quote(self, shop_id, destination, lines, items_total, currency):
        shop_id = uuid_text(shop_id, "shop_id")
        order = _order(destination, lines, items_total, currency)
        with self.db.reading() as session:  # reads only: no BEGIN/COMMIT
            return quotes.quote(session, shop_id, order)

    @api
    @at_the_boundary
    def price_for_checkout(self, shop_id, method_id, destination, lines, items_total, currency):
        shop_id = uuid_text(shop_id, "shop_id")
        method_id = _optional_uuid(method_id)
        order = _order(destination, lines, items_total, currency)
        with self.db.reading() as session:  # reads only: no BEGIN/COMMIT
            return quotes.price_for_checkout(session, shop_id, method_id, order)

    # Shipments ----------------------------------------------------------------------------------
    @api
    @at_the_boundary
    def add_shipment(self, order_id, shop_id, carrier, tracking_number=None, notify_buyer=True):
        self.caller.require(*SELLERS)
        order_id, shop_id = uuid_text(order_id, "order_id"), uuid_text(shop_id, "shop_id")
        body = {"carrier": carrier, "tracking_number": tracking_number, "notify_buyer": notify_buyer}
        with self.db.transaction() as session:
            return shipments.add_shipment(session, self.events, order_id, shop_id, body, clock.now())

    @api
    @at_the_boundary
    def list_shipments(self, order_id):
        order_id = uuid_text(order_id, "order_id")
        with self.db.transaction() as session:
            return shipments.list_shipments(session, order_id)

    @api
    @at_the_boundary
    def shipping_deadline(self, order_id):
        """`{order_id, shop_id, state, closed_by, due_at, overdue_recorded_at}` or None."""
        order_id = uuid_text(order_id, "order_id")
        with self.db.transaction() as session:
            return deadlines.deadline(session, order_id, settings.shipping_details_days())

    # Events and jobs ----------------------------------------------------------------------------
    @event_handler(*deadlines.ORDER_EVENTS)
    def on_order_event(self, session, event):
        deadlines.apply_order_event(session, event)

    @every(read_interval=settings.tracking_poll_seconds)
    def poll_tracking(self):
        interval = timedelta(seconds=settings.tracking_poll_seconds())
        result = tracking.poll(self.db, self.events, self.carriers, clock.now,
                               interval=interval, batch=settings.tracking_batch())
        if result.changed:
            log.info("tracking: asked about %d shipment(s), %d changed",
                     result.asked, len(result.changed))

    @every(read_interval=settings.overdue_check_seconds)
    def flag_shipping_overdue(self):
        late = deadlines.record_overdue(self.db, self.events, clock.now(),
                                        settings.shipping_details_days())
        if late:
            log.info("shipping overdue: %d order(s) flagged", len(late))


def _method_id(value) -> str:
    try:
        return uuid_text(value, "method_id")
    except InvalidRequest:
        raise MethodNotFound("No such delivery method in this shop.") from None


def _optional_uuid(value) -> str | None:
    try:
        return uuid_text(value, "delivery_method_id")
    except InvalidRequest:
        return None  # checkout answers "no such method" for it


def _order(destination, lines, items_total, currency) -> dict:
    return {"destination": destination, "lines": lines, "items_total": items_total,
            "currency": currency}
