"""Nameko entrypoints of the payments service: each loads its input, calls an action, returns.

Who may call what (the gateway passes the caller's identity; the actions check it against what
payments learnt from events, or asked the catalog and orders services):
- a shop's payment settings: its owner (an admin may read them); its plan: an admin;
- paying a part of an order: its buyer; an order's payments: its buyer, its seller, admins;
- refunds: the order's seller, an admin; a paid order cancelled owes its refund within a day
  (`refund.overdue` otherwise, from the `review_refunds_owed` timer);
- a shop's ledger: its owner, an admin; paying its debt to the platform: its owner.
Provider notifications arrive over HTTP on the service's own port (`POST /webhooks/{provider}`).
Errors leave as the kernel's `Invalid`, `NotFound`, `Forbidden`, `Conflict`, `Unavailable`.
"""

from __future__ import annotations

import json
import logging
from datetime import timedelta

from services.common import clock, runtime
from services.common.runtime import (
    RpcProxy,
    UnitOfWorkProvider,
    event_handler,
    every,
    rpc,
    subscribe,
)

from . import schemas, settings
from .actions import (
    following,
    ledger,
    payments,
    refund_obligations,
    refunds,
    shop_settings,
    webhooks,
)
from .kit import PaymentsKit
from .peers import Peers
from .webhook_server import http

log = logging.getLogger(__name__)


class PaymentsService(runtime.Service):
    name = "payments"

    # Its outbox has no NOTIFY trigger (migration 0007): a commit that recorded events wakes the
    # relays after it, so concurrent notifications do not queue on PostgreSQL's notify lock.
    uow = UnitOfWorkProvider(peers=Peers, wake_relays_after_commit=True)
    kit = PaymentsKit()
    catalog_rpc = RpcProxy("catalog")
    orders_rpc = RpcProxy("orders")

    # Shops: settings and plan ------------------------------------------------------------------
    @rpc
    def get_payment_settings(self, shop_id):
        data = schemas.load(schemas.ShopIn, {"shop_id": shop_id})
        return shop_settings.get_settings(self.uow, self.caller, self.kit, data)

    @rpc
    def put_payment_settings(self, shop_id, body):
        data = schemas.load(schemas.ShopIn, {"shop_id": shop_id, "body": body})
        return shop_settings.put_settings(self.uow, self.caller, self.kit, data)

    @rpc
    def set_plan(self, shop_id, body):
        data = schemas.load(schemas.ShopIn, {"shop_id": shop_id, "body": body})
        return shop_settings.set_plan(self.uow, self.caller, self.kit, data)

    # Payments and refunds ----------------------------------------------------------------------
    @rpc
    def create_payment(self, order_id, body, key=None):
        data = schemas.load(schemas.OrderIn, {"order_id": order_id, "body": body, "key": key})
        return payments.create_payment(self.uow, self.caller, self.kit, data)

    @rpc
    def list_payments(self, order_id):
        data = schemas.load(schemas.OrderIn, {"order_id": order_id})
        return payments.list_payments(self.uow, self.caller, data)

    @rpc
    def create_refund(self, payment_id, body, key=None):
        data = schemas.load(schemas.PaymentIn, {"payment_id": payment_id, "body": body,
                                                "key": key})
        return refunds.create_refund(self.uow, self.caller, self.kit, data)

    # The seller ledger ---------------------------------------------------------------------------
    @rpc
    def get_ledger(self, shop_id):
        data = schemas.load(schemas.ShopIn, {"shop_id": shop_id})
        return ledger.get_ledger(self.uow, self.caller, self.kit, data)

    @rpc
    def pay_debt(self, shop_id, body, key=None):
        data = schemas.load(schemas.ShopIn, {"shop_id": shop_id, "body": body, "key": key})
        return ledger.pay_debt(self.uow, self.caller, self.kit, data)

    @every(read_interval=settings.debt_check_seconds)
    def review_debts(self):
        reviewed = ledger.review_debts(self.uow, clock.now())
        if reviewed:
            log.info("debts: reviewed %d shop(s) with debt past its due date", reviewed)

    @every(read_interval=settings.refund_check_seconds)
    def review_refunds_owed(self):
        reviewed = refund_obligations.review_due(self.uow, clock.now())
        if reviewed:
            log.info("refunds owed: reviewed %d past their due time", reviewed)

    # Provider notifications and reconciliation -------------------------------------------------
    @http("POST", "/webhooks/<string:provider>")
    def webhook(self, request, provider):
        status, body = webhooks.receive(self.uow, self.kit, provider, request.headers,
                                        request.get_data())
        return status, {"Content-Type": "application/json"}, json.dumps(body)

    @every(read_interval=settings.reconcile_seconds)
    def reconcile(self):
        done = webhooks.reconcile(
            self.uow, self.kit, clock.now(),
            after=timedelta(minutes=settings.reconcile_after_minutes()),
            every=timedelta(seconds=settings.reconcile_seconds()))
        if done.asked:
            log.info("reconciliation: asked about %d payment(s), %d settled", done.asked,
                     done.applied)

    # Events ------------------------------------------------------------------------------------
    on_shop_created = subscribe("shop.created", event=following.shop_created)

    @event_handler(*following.FOLLOWED_ORDER_EVENTS)
    def on_order_event(self, uow, event):
        following.order_event(uow, event, self.kit)
