"""Nameko entrypoints of the orders service: each loads its input through a schema (the path's ids
merged into the body), calls an action with the worker's unit of work and caller, and returns what
the action answers.

Commands that create something (a cart line, a message, a note, a review) run with
`uow.run_once`: a repeat of the request id the gateway sent answers as the first time and changes
nothing. Checkout and the seller's order keep their own Idempotency-Key (`checkout_attempts`).
Errors leave as the kernel's base types (`WrongState` as `Conflict`, with its code and per-field
errors); a peer that did not answer leaves as `Unavailable` (→ 503).
The RPC methods and their shapes are listed in `services/orders/README.md`.
"""

from __future__ import annotations

from services.common import contracts, runtime
from services.common.runtime import RpcProxy, UnitOfWorkProvider, every, rpc, subscribe
from services.common.schemas import load

from . import schemas, settings
from .actions import (
    cart,
    checkout,
    conversation,
    deadlines,
    fulfilment,
    lifecycle,
    listing,
    seller_orders,
)
from .ports import OrdersPeers


class OrdersService(runtime.Service):
    name = "orders"

    uow = UnitOfWorkProvider(peers=OrdersPeers, wake_relays_after_commit=True)
    catalog_rpc = RpcProxy("catalog")
    shipping_rpc = RpcProxy("shipping")

    # Cart -----------------------------------------------------------------------------------------
    @rpc
    def get_cart(self):
        return cart.get_cart(self.uow, self.caller, load(schemas.Nothing))

    @rpc
    def add_cart_item(self, body):
        data = load(schemas.CartItemIn, body)
        return self.uow.run_once(cart.ADD_ITEM, self.caller, cart.add_item, data)

    @rpc
    def update_cart_item(self, item_id, body):
        data = load(schemas.CartItemPatch, body, item_id=item_id)
        return cart.update_item(self.uow, self.caller, data)

    @rpc
    def remove_cart_item(self, item_id):
        data = load(schemas.CartItemRef, item_id=item_id)
        cart.remove_item(self.uow, self.caller, data)

    # Checkout -------------------------------------------------------------------------------------
    @rpc
    def checkout(self, body, idempotency_key=None):
        data = load(schemas.CheckoutIn, body, idempotency_key=idempotency_key)
        return checkout.checkout(self.uow, self.caller, data)

    @rpc
    def create_seller_order(self, shop_id, body, idempotency_key=None, customer_id=None):
        data = load(schemas.SellerOrderIn, body, shop_id=shop_id,
                            idempotency_key=idempotency_key, customer_id=customer_id)
        return seller_orders.create_for_customer(self.uow, self.caller, data)

    # Reading --------------------------------------------------------------------------------------
    @rpc
    def get_order(self, order_id, access=None):
        data = load(schemas.OrderRead, order_id=order_id, access=access)
        return listing.read_order(self.uow, self.caller, data)

    @rpc
    def list_orders(self, query=None):
        data = load(schemas.ListQuery, query)
        return listing.list_orders(self.uow, self.caller, data)

    @rpc
    def customer_stats(self, customer_id):
        data = load(schemas.CustomerRef, customer_id=customer_id)
        return listing.customer_stats(self.uow, self.caller, data)

    # Moves ----------------------------------------------------------------------------------------
    @rpc
    def confirm(self, order_id):
        data = load(schemas.OrderRef, order_id=order_id)
        return lifecycle.confirm(self.uow, self.caller, data)

    @rpc
    def cancel(self, order_id, body=None, access=None):
        data = load(schemas.CancelIn, body, order_id=order_id, access=access)
        return lifecycle.cancel(self.uow, self.caller, data)

    @rpc
    def mark_paid(self, order_id):
        data = load(schemas.OrderRef, order_id=order_id)
        return lifecycle.mark_paid(self.uow, self.caller, data)

    @rpc
    def start_production(self, order_id):
        data = load(schemas.OrderRef, order_id=order_id)
        return lifecycle.start_production(self.uow, self.caller, data)

    @rpc
    def request_balance(self, order_id, body=None):
        data = load(schemas.BalanceRequestIn, body, order_id=order_id)
        return lifecycle.request_balance(self.uow, self.caller, data)

    @rpc
    def receive(self, order_id, access=None):
        data = load(schemas.OrderRead, order_id=order_id, access=access)
        return lifecycle.receive(self.uow, self.caller, data)

    @rpc
    def complete(self, order_id):
        data = load(schemas.OrderRef, order_id=order_id)
        return lifecycle.complete(self.uow, self.caller, data)

    @rpc
    def set_delivery_cost(self, order_id, body):
        data = load(schemas.DeliveryCostIn, body, order_id=order_id)
        return lifecycle.set_delivery_cost(self.uow, self.caller, data)

    @rpc
    def change_amount(self, order_id, body):
        data = load(schemas.AmountIn, body, order_id=order_id)
        return lifecycle.change_order_amount(self.uow, self.caller, data)

    @rpc
    def list_amount_requests(self, query=None):
        data = load(schemas.AmountRequestQuery, query)
        return lifecycle.list_amount_requests(self.uow, self.caller, data)

    @rpc
    def decide_amount_request(self, request_id, approve):
        data = load(schemas.AmountDecisionIn, request_id=request_id, approve=approve)
        return lifecycle.decide_amount_request(self.uow, self.caller, data)

    # Conversation, notes, reviews -----------------------------------------------------------------
    @rpc
    def list_messages(self, order_id, query=None):
        data = load(schemas.MessagesQuery, query, order_id=order_id)
        return conversation.list_messages(self.uow, self.caller, data)

    @rpc
    def post_message(self, order_id, body):
        data = load(schemas.MessageIn, body, order_id=order_id)
        return self.uow.run_once("post_message", self.caller, conversation.post_message, data)

    @rpc
    def list_notes(self, order_id):
        data = load(schemas.OrderRef, order_id=order_id)
        return conversation.list_notes(self.uow, self.caller, data)

    @rpc
    def add_note(self, order_id, body):
        data = load(schemas.NoteIn, body, order_id=order_id)
        return self.uow.run_once("add_note", self.caller, conversation.add_note, data)

    @rpc
    def update_note(self, order_id, note_id, body):
        data = load(schemas.NoteEdit, body, order_id=order_id, note_id=note_id)
        return conversation.update_note(self.uow, self.caller, data)

    @rpc
    def post_review(self, order_id, body, display_name=None):
        data = load(schemas.ReviewIn, body, order_id=order_id, display_name=display_name)
        return self.uow.run_once("post_review", self.caller, conversation.post_review, data)

    @rpc
    def shop_reviews(self, shop_id, query=None):
        data = load(schemas.ShopReviewsQuery, query, shop_id=shop_id)
        return conversation.list_reviews(self.uow, self.caller, data)

    @rpc
    def product_reviews(self, product_id, query=None):
        data = load(schemas.ProductReviewsQuery, query, product_id=product_id)
        return conversation.list_reviews(self.uow, self.caller, data)

    # What other services tell us (every subscription of the service) ------------------------------
    on_payment_succeeded = subscribe("payment.succeeded", data=fulfilment.payment_succeeded)

    @rpc
    def record_shipment(self, order_id, shipment):
        """Shipping, before it commits a shipment: the order takes it now (see the action)."""
        data = load(contracts.ShipmentCreated, shipment, order_id=order_id)
        return fulfilment.record_shipment(self.uow, self.caller, data)

    on_shipment_created = subscribe("shipment.created", data=fulfilment.shipment_created)
    on_shipment_status_changed = subscribe("shipment.status_changed", data=fulfilment.shipment_status_changed)

    # Deadlines and recovery -----------------------------------------------------------------------
    @every(read_interval=settings.deadline_poll_seconds, eager=True)
    def run_deadlines(self):
        deadlines.tick(self.uow)
