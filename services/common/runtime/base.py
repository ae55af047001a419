"""What every service class starts from: a unit of work per worker, the caller, and `health`.

    from services.common import runtime

    class ModerationService(runtime.Service):
        name = "moderation"

(Import the module, not the class: `nameko run services.moderation.service` takes every class with
entrypoints in the module's namespace for a service.)

A service that calls others declares its own `uow = UnitOfWorkProvider(peers=...)`.
"""

from __future__ import annotations

from .. import health
from .dependencies import CallerProvider, UnitOfWorkProvider
from .rpc import rpc


class Service:
    name: str

    uow = UnitOfWorkProvider()
    caller = CallerProvider()

    @rpc
    def health(self):
        """Alive, and its database answering."""
        return health.report(self.name, self.uow)
