"""The Nameko adapters of the kernel: what a service class declares and decorates.

    class OrdersService(Service):                     # `uow`, `caller` and `health` come with it
        name = "orders"
        uow = UnitOfWorkProvider(peers=OrdersPeers)   # a UnitOfWork per worker, with its peers

        @rpc
        def add_note(self, order_id, body):
            data = schemas.load(schemas.NoteIn, {**body, "order_id": order_id})
            return self.uow.run_once("add_note", self.caller, conversation.add_note, data)

        on_payment_succeeded = subscribe("payment.succeeded", data=fulfilment.payment_succeeded)

        @every(read_interval=settings.deadline_poll_seconds)
        def run_deadlines(self): ...

Everything framework-free (money, errors, fields, clock, paging, the unit of work, event
contracts) lives in `services.common` itself, which the gateway may import; this package is for
service processes only.
"""

from .base import Service
from .dependencies import CallerProvider, UnitOfWorkProvider
from .messaging import event_handler, subscribe
from .peers import Peer, Port
from .rpc import RpcProxy, rpc
from .timers import ConfiguredTimer, every

__all__ = [
    "CallerProvider", "ConfiguredTimer", "Peer", "Port", "RpcProxy", "Service",
    "UnitOfWorkProvider", "event_handler", "every", "rpc", "subscribe",
]
