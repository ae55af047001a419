"""Nameko entrypoints of the notifications service: thin, each loads input, calls an action, dumps the result.

In-app notices for now: the buyer hears of each shipment (with its track), of a delivery the seller
priced or a changed total, and of a request for the balance; the seller and every admin of an order
whose shipping details are overdue; every admin of an order the auto-close found never shipped (the
kinds are listed in `domain`). E-mail and SMS come with their own gateways.
Who an order concerns is kept from `order.placed`; nothing here asks another service.
"""

from __future__ import annotations

from services.common import runtime
from services.common.runtime import event_handler, rpc
from services.common.schemas import load

from . import actions, schemas


class NotificationsService(runtime.Service):
    name = "notifications"

    @rpc
    def list_notices(self, page=1, per_page=20):
        data = load(schemas.PageIn, {"page": page, "per_page": per_page})
        return actions.list_notices(self.uow, self.caller, data)

    @event_handler("order.placed")
    def on_order_placed(self, uow, event):
        actions.remember_parties(uow, event)

    @event_handler("shipment.created")
    def on_shipment_created(self, uow, event):
        actions.notify_shipped(uow, event)

    @event_handler("order.shipping_overdue")
    def on_shipping_overdue(self, uow, event):
        actions.flag_shipping_overdue(uow, event)

    @event_handler("order.amount_changed")
    def on_amount_changed(self, uow, event):
        actions.notify_amount_changed(uow, event)

    @event_handler("order.balance_requested")
    def on_balance_requested(self, uow, event):
        actions.ask_for_balance(uow, event)

    @event_handler("order.unshipped_at_close")
    def on_unshipped_at_close(self, uow, event):
        actions.flag_unshipped_at_close(uow, event)
