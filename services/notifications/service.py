"""Nameko entrypoints of the notifications service: thin, each loads input, calls an action, dumps the result.

Every change of an order's status reaches its buyer, its seller and the admins: in the app, by
e-mail (the buyer, each of the shop's order addresses), by SMS and Telegram (the seller, when the
shop's settings name a phone or a chat); see `domain.audience`. The buyer also hears of each
shipment, of a priced delivery or changed total and of a request for the balance (its photos as
signed links), and gets a receipt for each payment; the other party of an order hears of each
new message at once; the seller and the admins of overdue shipping; the admins of an order the
auto-close found never shipped. The admins and the seller hear of a refund owed past its due time
(`refund.overdue`); a buyer of a discount offered on a product left in their cart
(`cart.discount_offered`), where they take offers.
E-mail, SMS and Telegram messages are written as deliveries with the event's effect and sent after
the commit by `send_due` (`actions.sending`). Who an order concerns is kept from `order.placed`,
users' contacts from `user.registered`, shops' owners from `shop.created`: nothing here asks
another service.

Subscriptions: order.placed, the other order status events (`ORDER_CHANGES`), shipment.created,
order.shipping_overdue, order.amount_changed, order.balance_requested, order.unshipped_at_close,
payment.succeeded (the buyer's receipt), message.posted (e-mailed to the other party at once),
refund.overdue, cart.discount_offered (marketing: where the buyer takes offers), user.registered,
shop.created.
"""

from __future__ import annotations

import logging

from services.common import clock, runtime
from services.common.runtime import every, rpc, subscribe
from services.common.schemas import load

from . import schemas, settings
from .actions import (
    discounts,
    feed,
    messages,
    notices,
    orders,
    people,
    receipts,
    refunds,
    sending,
    shops,
)
from .channels import ChannelsProvider

log = logging.getLogger(__name__)

ORDER_CHANGES = ("order.confirmed", "order.partially_paid", "order.in_production", "order.paid",
                 "order.shipped", "order.received", "order.completed", "order.cancelled",
                 "order.expired")


class NotificationsService(runtime.Service):
    name = "notifications"

    channels = ChannelsProvider()

    # The in-app feed ----------------------------------------------------------------------------
    @rpc
    def list_notices(self, page=1, per_page=20):
        data = load(schemas.PageIn, {"page": page, "per_page": per_page})
        return feed.list_notices(self.uow, self.caller, data)

    @rpc
    def unread_count(self):
        return feed.unread_count(self.uow, self.caller)

    @rpc
    def mark_read(self, notice_id):
        feed.mark_read(self.uow, self.caller, load(schemas.NoticeRef, {"notice_id": notice_id}))

    @rpc
    def mark_all_read(self):
        feed.mark_all_read(self.uow, self.caller)

    # Shops' settings and users' preferences -----------------------------------------------------
    @rpc
    def get_shop_settings(self, shop_id):
        data = load(schemas.ShopRef, {"shop_id": shop_id})
        return people.get_shop_settings(self.uow, self.caller, data)

    @rpc
    def put_shop_settings(self, shop_id, body):
        data = load(schemas.ShopRef, {"shop_id": shop_id, "body": body})
        return people.put_shop_settings(self.uow, self.caller, data)

    @rpc
    def get_preferences(self):
        return people.get_preferences(self.uow, self.caller)

    @rpc
    def put_preferences(self, body):
        self.caller.require("buyer", "seller", "admin")
        return people.put_preferences(self.uow, self.caller, load(schemas.PreferencesIn, body))

    # Events -------------------------------------------------------------------------------------
    on_order_placed = subscribe("order.placed", event=orders.order_placed)
    on_order_changed = subscribe(*ORDER_CHANGES, event=orders.order_changed)
    on_shipment_created = subscribe("shipment.created", event=notices.notify_shipped)
    on_shipping_overdue = subscribe("order.shipping_overdue", event=notices.flag_shipping_overdue)
    on_shop_standing = subscribe("shop.sanctioned", "shop.sanction_lifted", "shop.warned",
                                 "shop.verified", "debt.overdue", event=shops.tell_owner)
    on_amount_changed = subscribe("order.amount_changed", event=notices.notify_amount_changed)
    on_balance_requested = subscribe("order.balance_requested", event=notices.ask_for_balance)
    on_payment_succeeded = subscribe("payment.succeeded", event=receipts.payment_succeeded)
    on_message_posted = subscribe("message.posted", event=messages.message_posted)
    on_unshipped_at_close = subscribe("order.unshipped_at_close", event=notices.flag_unshipped_at_close)
    on_refund_overdue = subscribe("refund.overdue", event=refunds.flag_refund_overdue)
    on_discount_offered = subscribe("cart.discount_offered", event=discounts.tell_discount)
    on_user_registered = subscribe("user.registered", event=people.user_registered)
    on_shop_created = subscribe("shop.created", event=people.shop_created)

    # The sender ---------------------------------------------------------------------------------
    @every(read_interval=settings.send_poll_seconds)
    def send_due(self):
        result = sending.send_due(self.uow, self.channels, clock.now,
                                  batch=settings.send_batch(), lease=settings.send_lease(),
                                  policy=settings.retry_policy())
        if result.sent or result.failed or result.dead:
            log.info("sender: %d sent, %d failed, %d dead, %d waiting for their channel",
                     result.sent, result.failed, result.dead, result.deferred)
