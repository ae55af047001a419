"""RPC entrypoints: Nameko's `@rpc`, with typed errors sent as the kernel's base types, answering
without waiting for a publisher confirm per reply.

A service raises its own typed errors (`OutOfStock(Conflict)`); they leave as `Conflict` with their
code and per-field errors, so the gateway and other services map five types and nothing else.

A reply goes to the caller's own reply queue; if the broker loses it, the caller's timeout already
answers for it (the gateway turns it into a 503 the client may retry). Waiting for a confirm on every
reply costs a broker round trip per call, so it is off unless `RPC_REPLY_CONFIRMS=1`.

    from services.common.rpc import rpc

    @rpc
    def get_order(self, order_id): ...
"""

from __future__ import annotations

from nameko.amqp.publish import Publisher
from nameko.constants import (
    AMQP_URI_CONFIG_KEY,
    DEFAULT_SERIALIZER,
    NON_PERSISTENT,
    SERIALIZER_CONFIG_KEY,
)
from nameko.rpc import Responder, Rpc, RpcConsumer, get_rpc_exchange
from nameko.rpc import RpcProxy as NamekoRpcProxy

from . import settings
from .errors import ServiceError, on_the_wire


class ReplyPublisher(Publisher):
    use_confirms = False


class QuickResponder(Responder):
    publisher_cls = ReplyPublisher


class QuickRpcConsumer(RpcConsumer):
    def setup(self):
        self.confirm_replies = settings.env().bool("RPC_REPLY_CONFIRMS", False)
        super().setup()

    def handle_result(self, message, result, exc_info):
        if exc_info is not None and isinstance(exc_info[1], ServiceError):
            exc = on_the_wire(exc_info[1])
            exc_info = (type(exc), exc, exc_info[2])
        if self.confirm_replies:
            return super().handle_result(message, result, exc_info)
        config = self.container.config
        responder = QuickResponder(
            config[AMQP_URI_CONFIG_KEY],
            get_rpc_exchange(config),
            config.get(SERIALIZER_CONFIG_KEY, DEFAULT_SERIALIZER),
            message,
        )
        result, exc_info = responder.send_response(result, exc_info)
        self.queue_consumer.ack_message(message)
        return result, exc_info


class QuickRpc(Rpc):
    rpc_consumer = QuickRpcConsumer()


rpc = QuickRpc.decorator


class RpcProxy(NamekoRpcProxy):
    """Nameko's `RpcProxy` for calls between services, sending requests as transient messages
    without a confirm each: an RPC lives only as long as its caller waits, so writing it to disk
    buys nothing (a request lost with the broker is a timeout the caller already handles), and it
    costs every call a disk write."""

    def __init__(self, target_service: str, **options):
        options.setdefault("use_confirms", False)
        options.setdefault("delivery_mode", NON_PERSISTENT)
        super().__init__(target_service, **options)
