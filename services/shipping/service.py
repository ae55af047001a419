"""Nameko entrypoints of the shipping service: each loads its input, calls an action, returns.

Who may call what (the gateway passes the caller's identity as context data; the actions check
it against what shipping learnt from events, `actions.access`):
- creating and changing a shop's delivery methods: its owner or an admin;
- adding a shipment: the order's seller or an admin, once the order is paid;
- reading methods, quotes, checkout prices, shipments and deadlines: any caller; what shipping
  learnt of an order (`known_order`): its seller or an admin.
Errors leave as the kernel's `Invalid`, `NotFound`, `Forbidden`, `Conflict`, `Unavailable`, with a
specific code and per-field lists of messages.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from services.common import clock, runtime
from services.common.runtime import RpcProxy, UnitOfWorkProvider, every, rpc, subscribe
from services.common.schemas import load

from . import schemas, settings
from .actions import access, deadlines, following, methods, quotes, shipments, tracking
from .carriers import CarrierTracking
from .peers import Peers

log = logging.getLogger(__name__)


class ShippingService(runtime.Service):
    name = "shipping"

    uow = UnitOfWorkProvider(peers=Peers)
    carriers = CarrierTracking()
    catalog_rpc = RpcProxy("catalog")
    orders_rpc = RpcProxy("orders")

    # Delivery methods ---------------------------------------------------------------------------
    @rpc
    def create_method(self, shop_id, body):
        data = load(schemas.MethodIn, {"shop_id": shop_id, "body": body})
        return self.uow.run_once("create_method", self.caller, methods.create_method, data)

    @rpc
    def list_methods(self, shop_id):
        return methods.list_methods(self.uow, load(schemas.ShopIn, {"shop_id": shop_id}))

    @rpc
    def get_method(self, shop_id, method_id):
        data = load(schemas.MethodIn, {"shop_id": shop_id, "method_id": method_id})
        return methods.get_method(self.uow, data)

    @rpc
    def patch_method(self, shop_id, method_id, changes=None):
        data = load(schemas.MethodIn,
                            {"shop_id": shop_id, "method_id": method_id, "body": changes})
        return methods.patch_method(self.uow, self.caller, data)

    # Quotes -------------------------------------------------------------------------------------
    @rpc
    def quote_items(self, shop_id, items, destination):
        data = load(schemas.ItemsQuoteIn,
                            {"shop_id": shop_id, "items": items, "destination": destination})
        return quotes.quote_items(self.uow, self.caller, data)

    @rpc
    def quote(self, shop_id, destination, lines, items_total, currency):
        data = load(schemas.OrderQuoteIn, {
            "shop_id": shop_id, "destination": destination, "lines": lines,
            "items_total": items_total, "currency": currency})
        return quotes.quote(self.uow, data)

    @rpc
    def price_for_checkout(self, shop_id, method_id, destination, lines, items_total, currency):
        data = load(schemas.OrderQuoteIn, {
            "shop_id": shop_id, "method_id": method_id, "destination": destination,
            "lines": lines, "items_total": items_total, "currency": currency})
        return quotes.price_for_checkout(self.uow, data)

    # Shipments ----------------------------------------------------------------------------------
    @rpc
    def add_shipment(self, order_id, body):
        data = load(schemas.ShipmentIn, {"order_id": order_id, "body": body})
        return self.uow.run_once(shipments.ADD_SHIPMENT, self.caller, shipments.add_shipment,
                                 data)

    @rpc
    def list_shipments(self, order_id):
        data = load(schemas.OrderIn, {"order_id": order_id})
        return shipments.list_shipments(self.uow, data)

    @rpc
    def shipping_deadline(self, order_id):
        """`{order_id, shop_id, state, closed_by, due_at, overdue_recorded_at}` or None."""
        data = load(schemas.OrderIn, {"order_id": order_id})
        return deadlines.deadline(self.uow, data, settings.shipping_details_days())

    # What shipping learnt from events --------------------------------------------------------------
    @rpc
    def known_shop(self, shop_id):
        return access.known_shop(self.uow, load(schemas.ShopIn, {"shop_id": shop_id}))

    @rpc
    def known_order(self, order_id):
        data = load(schemas.OrderIn, {"order_id": order_id})
        return access.known_order(self.uow, self.caller, data)

    # Events and jobs ----------------------------------------------------------------------------
    on_shop_created = subscribe("shop.created", event=following.shop_created)
    on_order_event = subscribe(*following.FOLLOWED_ORDER_EVENTS, event=following.order_event)

    @every(read_interval=settings.tracking_poll_seconds)
    def poll_tracking(self):
        interval = timedelta(seconds=settings.tracking_poll_seconds())
        result = tracking.poll(self.uow, self.carriers, clock.now, interval=interval,
                               batch=settings.tracking_batch())
        if result.changed:
            log.info("tracking: asked about %d shipment(s), %d changed",
                     result.asked, len(result.changed))

    @every(read_interval=settings.overdue_check_seconds)
    def flag_shipping_overdue(self):
        late = deadlines.record_overdue(self.uow, clock.now(), settings.shipping_details_days())
        if late:
            log.info("shipping overdue: %d order(s) flagged", len(late))
