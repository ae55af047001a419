"""Nameko entrypoints of the payments service: thin, each loads input, calls an action, dumps the result."""

from services.common import health
from services.common.runtime import Database, Outbox
from services.common.runtime.rpc import rpc


class PaymentsService:
    name = "payments"

    db = Database()
    events = Outbox()

    @rpc
    def health(self):
        return health.report(self.name, self.db)
