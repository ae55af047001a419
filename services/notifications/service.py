"""Nameko entrypoints of the notifications service: thin, each loads input, calls an action, dumps the result.

In-app notices for now: the buyer hears of each shipment (with its track), the seller and every
admin of an order whose shipping details are overdue. E-mail and SMS come with their own gateways.
"""

from __future__ import annotations

import logging

from nameko.exceptions import RemoteError

from services.common import health
from services.common.paging import PageRequest
from services.common.runtime import CallerProvider, Database
from services.common.runtime.messaging import event_handler
from services.common.runtime.rpc import RpcProxy, rpc

from . import actions

log = logging.getLogger(__name__)


class NotificationsService:
    name = "notifications"

    db = Database()
    caller = CallerProvider()
    catalog = RpcProxy("catalog")

    @rpc
    def health(self):
        return health.report(self.name, self.db)

    @rpc
    def list_notices(self, page=1, per_page=20):
        self.caller.require("buyer", "seller", "admin")
        with self.db.reading() as session:
            return actions.list_notices(session, self.caller, PageRequest(page, per_page))

    @event_handler("order.placed")
    def on_order_placed(self, session, event):
        actions.remember_parties(session, event.data)

    @event_handler("shipment.created")
    def on_shipment_created(self, session, event):
        actions.notify_shipped(session, event)

    @event_handler("order.shipping_overdue")
    def on_shipping_overdue(self, session, event):
        actions.flag_shipping_overdue(session, event, self._seller_of(event.data["shop_id"]))

    def _seller_of(self, shop_id) -> str | None:
        try:
            return self.catalog.get_shop(str(shop_id))["owner_id"]
        except RemoteError as exc:
            if exc.exc_type != "NotFound":
                raise
            log.warning("shop %s is not visible (blocked?); its seller is not told", shop_id)
            return None  # the admins still hear of it
