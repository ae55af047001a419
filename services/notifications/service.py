"""Nameko entrypoints of the notifications service: thin, each loads input, calls an action, dumps the result."""

from services.common.rpc import rpc

from services.common import health
from services.common.db import Database
from services.common.outbox import Outbox


class NotificationsService:
    name = "notifications"

    db = Database()
    events = Outbox()

    @rpc
    def health(self):
        return health.report(self.name, self.db)
