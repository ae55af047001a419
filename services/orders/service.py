"""Nameko entrypoints of the orders service: thin, each loads input, calls an action, dumps the result.

Errors leave as the kernel's base types (`services.common.runtime.rpc` sends `WrongState` as `Conflict`, with
its code and per-field errors); `ServiceUnavailable` (a service this one depends on did not answer)
leaves as `Unavailable` (→ 503).
The RPC methods and their shapes are listed in `services/orders/README.md`.
"""

from __future__ import annotations

import logging

from services.common import health
from services.common.errors import Invalid
from services.common.paging import PageRequest
from services.common.runtime import CallerProvider, Database, Outbox
from services.common.runtime.messaging import event_handler
from services.common.runtime.rpc import RpcProxy, rpc
from services.common.runtime.timers import ConfiguredTimer

from . import schemas, settings
from .actions import (
    cart,
    checkout,
    conversation,
    deadlines,
    fulfilment,
    lifecycle,
    listing,
    recovery,
    seller_orders,
)
from .ports import Catalog, Shipping

log = logging.getLogger(__name__)


def _page(query) -> PageRequest:
    data = schemas.load(schemas.PageQuery, query)
    return PageRequest(data["page"], data["per_page"])


class OrdersService:
    name = "orders"

    db = Database()
    events = Outbox()
    caller = CallerProvider()
    catalog_rpc = RpcProxy("catalog")
    shipping_rpc = RpcProxy("shipping")

    @property
    def _catalog(self) -> Catalog:
        return Catalog(self.catalog_rpc)

    @property
    def _shipping(self) -> Shipping:
        return Shipping(self.shipping_rpc)

    @rpc
    def health(self):
        return health.report(self.name, self.db)

    # Cart -----------------------------------------------------------------------------------------
    @rpc
    def get_cart(self):
        return cart.get_cart(self.db, self._catalog, self.caller)

    @rpc
    def add_cart_item(self, body):
        data = schemas.load(schemas.CartItemIn, body)
        return cart.add_item(self.db, self.events, self._catalog, self.caller, data)

    @rpc
    def update_cart_item(self, item_id, body):
        data = schemas.load(schemas.CartItemPatch, body)
        return cart.update_item(self.db, self._catalog, self.caller, item_id, data["quantity"])

    @rpc
    def remove_cart_item(self, item_id):
        cart.remove_item(self.db, self.caller, item_id)

    # Checkout -------------------------------------------------------------------------------------
    @rpc
    def checkout(self, body, idempotency_key=None):
        data = schemas.load(schemas.CheckoutIn, body)
        return checkout.checkout(self.db, self.events, self._catalog, self._shipping,
                                 self.caller, data, idempotency_key)

    @rpc
    def create_seller_order(self, shop_id, body, idempotency_key=None):
        data = schemas.load(schemas.SellerOrderIn, body)
        return seller_orders.create_for_customer(self.db, self.events, self._catalog,
                                                 self._shipping, self.caller, str(shop_id), data,
                                                 idempotency_key)

    # Reading --------------------------------------------------------------------------------------
    @rpc
    def get_order(self, order_id, access=None):
        return listing.read_order(self.db, self.caller, order_id, access)

    @rpc
    def list_orders(self, query=None):
        data = schemas.load(schemas.ListQuery, query)
        page = PageRequest(data["page"], data["per_page"])
        return listing.list_orders(self.db, self.caller, data["as_"], data["status"],
                                   data["tab"], page)

    @rpc
    def shipment_context(self, order_id):
        return listing.shipment_context(self.db, self.caller, order_id)

    @rpc
    def customer_stats(self, customer_id):
        return listing.customer_stats(self.db, self.caller, customer_id)

    # Moves ----------------------------------------------------------------------------------------
    @rpc
    def confirm(self, order_id):
        return lifecycle.confirm(self.db, self.events, self.caller, order_id)

    @rpc
    def cancel(self, order_id, body=None):
        data = schemas.load(schemas.CancelIn, body)
        return lifecycle.cancel(self.db, self.events, self.caller, order_id, data.get("reason"))

    @rpc
    def mark_paid(self, order_id):
        return lifecycle.mark_paid(self.db, self.events, self.caller, order_id)

    @rpc
    def start_production(self, order_id):
        return lifecycle.start_production(self.db, self.events, self.caller, order_id)

    @rpc
    def request_balance(self, order_id, body=None):
        data = schemas.load(schemas.BalanceRequestIn, body)
        return lifecycle.request_balance(self.db, self.events, self.caller, order_id,
                                         data.get("note"), data["attachment_ids"])

    @rpc
    def receive(self, order_id):
        return lifecycle.receive(self.db, self.events, self.caller, order_id)

    @rpc
    def complete(self, order_id):
        return lifecycle.complete(self.db, self.events, self.caller, order_id)

    @rpc
    def set_delivery_cost(self, order_id, body):
        data = schemas.load(schemas.DeliveryCostIn, body)
        return lifecycle.set_delivery_cost(self.db, self.events, self.caller, order_id,
                                           data["cost"])

    @rpc
    def change_amount(self, order_id, body):
        data = schemas.load(schemas.AmountIn, body)
        return lifecycle.change_order_amount(self.db, self.events, self.caller, order_id,
                                             data["amount"], data["reason"])

    @rpc
    def list_amount_requests(self, query=None):
        query = dict(query or {})
        status = query.pop("status", "pending")
        return lifecycle.list_amount_requests(self.db, self.caller, status, _page(query))

    @rpc
    def decide_amount_request(self, request_id, approve):
        if not isinstance(approve, bool):
            raise Invalid("`approve` is true or false.", "validation_failed",
                          {"approve": ["Must be a boolean."]})
        return lifecycle.decide_amount_request(self.db, self.events, self.caller, request_id,
                                               approve)

    # Conversation, notes, reviews -----------------------------------------------------------------
    @rpc
    def list_messages(self, order_id, query=None):
        return conversation.list_messages(self.db, self.caller, order_id, _page(query))

    @rpc
    def post_message(self, order_id, body):
        data = schemas.load(schemas.MessageIn, body)
        return conversation.post_message(self.db, self.events, self.caller, order_id,
                                         data["text"], data["attachment_ids"])

    @rpc
    def list_notes(self, order_id):
        return conversation.list_notes(self.db, self.caller, order_id)

    @rpc
    def add_note(self, order_id, body):
        data = schemas.load(schemas.NoteIn, body)
        return conversation.add_note(self.db, self.caller, order_id, data["text"])

    @rpc
    def update_note(self, order_id, note_id, body):
        data = schemas.load(schemas.NoteIn, body)
        return conversation.update_note(self.db, self.caller, order_id, note_id, data["text"])

    @rpc
    def post_review(self, order_id, body, display_name=None):
        data = schemas.load(schemas.ReviewIn, body)
        return conversation.post_review(self.db, self.events, self.caller, order_id,
                                        data["rating"], data["text"], display_name)

    @rpc
    def shop_reviews(self, shop_id, query=None):
        return conversation.list_reviews(self.db, _page(query), shop_id=shop_id)

    @rpc
    def product_reviews(self, product_id, query=None):
        return conversation.list_reviews(self.db, _page(query), product_id=product_id)

    # What other services tell us ------------------------------------------------------------------
    @event_handler("payment.succeeded")
    def on_payment_succeeded(self, session, event):
        fulfilment.payment_succeeded(session, self.events, event.data)

    @event_handler("shipment.created")
    def on_shipment_created(self, session, event):
        fulfilment.shipment_created(session, self.events, event.data)

    @event_handler("shipment.status_changed")
    def on_shipment_status_changed(self, session, event):
        fulfilment.shipment_status_changed(session, self.events, event.data)

    # Deadlines and recovery -----------------------------------------------------------------------
    @ConfiguredTimer.decorator(read_interval=settings.deadline_poll_seconds, eager=True)
    def run_deadlines(self):
        while deadlines.run_due(self.db, self.events) >= deadlines.BATCH:
            pass
        recovery.release_abandoned_checkouts(self.db, self._catalog)
