"""Nameko entrypoints of the moderation service: thin, each loads input, calls an action, dumps the result."""

from services.common import runtime
from services.common.runtime import rpc, subscribe
from services.common.schemas import load

from . import actions, schemas


class ModerationService(runtime.Service):
    name = "moderation"

    @rpc
    def customer_stats(self, customer_id):
        data = load(schemas.CustomerIn, {"customer_id": customer_id})
        return actions.customer_stats(self.uow, self.caller, data)

    on_order_placed = subscribe("order.placed", event=actions.remember_customer)
