"""Nameko entrypoints of the payments service: thin, each loads input, calls an action, dumps the result."""

from services.common import health
from services.common.db import Database
from services.common.outbox import Outbox
from services.common.rpc import rpc


class PaymentsService:
    name = "payments"

    db = Database()
    events = Outbox()

    @rpc
    def health(self):
        return health.report(self.name, self.db)
