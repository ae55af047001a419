"""Nameko entrypoints of the moderation service: thin, each loads input, calls an action, dumps the result."""

from services.common import health
from services.common.runtime import CallerProvider, Database, Outbox
from services.common.runtime.rpc import rpc

from . import actions


class ModerationService:
    name = "moderation"

    db = Database()
    events = Outbox()
    caller = CallerProvider()

    @rpc
    def health(self):
        return health.report(self.name, self.db)

    @rpc
    def customer_stats(self, customer_id):
        self.caller.require("seller", "admin")
        with self.db.transaction() as session:
            return actions.customer_stats(session, customer_id)
