"""RPC entrypoints: Nameko's `@rpc`, with typed errors sent as the kernel's base types, answering
without waiting for a publisher confirm per reply; and the proxy a service calls another with,
whose replies are taken without an acknowledgement each.

A service raises its own typed errors (`OutOfStock(Conflict)`); they leave as `Conflict` with their
code and per-field errors, so the gateway and other services map five types and nothing else.

A reply goes to the caller's own reply queue; if the broker loses it, the caller's timeout already
answers for it (the gateway turns it into a 503 the client may retry). Waiting for a confirm on every
reply costs a broker round trip per call, so it is off unless `RPC_REPLY_CONFIRMS=1`.

    from services.common.runtime.rpc import rpc

    @rpc
    def get_order(self, order_id): ...
"""

from __future__ import annotations

import contextlib
import functools
import inspect
import logging
import sys

import kombu.serialization
from eventlet.semaphore import Semaphore
from kombu import Connection, Exchange, Producer
from nameko.constants import (
    AMQP_SSL_CONFIG_KEY,
    AMQP_URI_CONFIG_KEY,
    LOGIN_METHOD_CONFIG_KEY,
    NON_PERSISTENT,
)
from nameko.exceptions import IncorrectSignature, UnserializableValueError, serialize
from nameko.messaging import QueueConsumer
from nameko.rpc import ReplyListener, Rpc, RpcConsumer, get_rpc_exchange
from nameko.rpc import RpcProxy as NamekoRpcProxy

from .. import settings
from ..errors import ServiceError, on_the_wire
from . import topology

log = logging.getLogger(__name__)


class ReplySender:
    """Sends a service's RPC replies on one broker connection, kept open while the service runs.

    Nameko's responder takes a producer from a pool and wraps every publish in `Connection.ensure`;
    a reply needs neither. Greenthreads take turns on the channel. A publish that finds the
    connection broken makes a new one and tries once more; if that fails too, the error goes where
    Nameko's would, and the caller's timeout answers for the lost reply.
    """

    def __init__(self, amqp_uri: str, exchange: Exchange, ssl=None, login_method=None):
        self.amqp_uri = amqp_uri
        self.exchange = exchange
        self.ssl = ssl
        self.login_method = login_method
        self._lock = Semaphore(1)
        self._connection: Connection | None = None
        self._producer: Producer | None = None

    def send(self, body: bytes, content_type: str, content_encoding: str, *, routing_key: str,
             correlation_id: str | None) -> None:
        with self._lock:
            for attempt in (1, 2):
                try:
                    producer = self._producer or self._connect()
                    producer.publish(
                        body, exchange=self.exchange, routing_key=routing_key,
                        correlation_id=correlation_id, content_type=content_type,
                        content_encoding=content_encoding, serializer=None,
                        delivery_mode=NON_PERSISTENT, retry=False,
                    )
                    return
                except topology.BROKER_ERRORS as exc:
                    self.close()
                    if attempt == 2:
                        raise
                    log.warning("reply connection lost (%r); reconnecting", exc)

    def _connect(self) -> Producer:
        connection = Connection(self.amqp_uri, ssl=self.ssl, login_method=self.login_method)
        connection.ensure_connection(max_retries=1)
        self._connection = connection
        self._producer = Producer(connection.channel(), exchange=self.exchange)
        return self._producer

    def close(self) -> None:
        connection, self._connection, self._producer = self._connection, None, None
        if connection is not None:
            with contextlib.suppress(Exception):
                connection.release()


class QuickRpcConsumer(RpcConsumer):
    def setup(self):
        self.confirm_replies = settings.env().bool("RPC_REPLY_CONFIRMS", False)
        config = self.container.config
        self.reply_sender = ReplySender(
            config[AMQP_URI_CONFIG_KEY], get_rpc_exchange(config),
            ssl=config.get(AMQP_SSL_CONFIG_KEY), login_method=config.get(LOGIN_METHOD_CONFIG_KEY),
        )
        super().setup()

    def stop(self):
        super().stop()
        self.reply_sender.close()

    def kill(self):
        super().kill()
        self.reply_sender.close()

    def handle_result(self, message, result, exc_info):
        if exc_info is not None and isinstance(exc_info[1], ServiceError):
            exc = on_the_wire(exc_info[1])
            exc_info = (type(exc), exc, exc_info[2])
        if self.confirm_replies:
            return super().handle_result(message, result, exc_info)
        result, exc_info = self._reply(message, result, exc_info)
        self.queue_consumer.ack_message(message)
        return result, exc_info

    def _reply(self, message, result, exc_info):
        """Nameko's reply (`Responder.send_response`), with the body serialized once."""
        error = serialize(exc_info[1]) if exc_info is not None else None
        # Answered in the encoding of the request, as Nameko does.
        serializer = kombu.serialization.registry.type_to_name[message.properties["content_type"]]
        try:
            encoded = kombu.serialization.dumps({"result": result, "error": error}, serializer)
        except Exception:  # noqa: BLE001 - any value the serializer refuses
            exc_info = sys.exc_info()
            error = serialize(UnserializableValueError(result))
            result = None
            encoded = kombu.serialization.dumps({"result": None, "error": error}, serializer)
        content_type, content_encoding, body = encoded
        self.reply_sender.send(
            body, content_type, content_encoding,
            routing_key=message.properties["reply_to"],
            correlation_id=message.properties.get("correlation_id"),
        )
        return result, exc_info


class QuickRpc(Rpc):
    rpc_consumer = QuickRpcConsumer()

    @functools.cached_property
    def _signature(self) -> inspect.Signature:
        # Nameko's check builds the method's signature on every call; it does not change.
        return inspect.signature(getattr(self.container.service_cls, self.method_name))

    def check_signature(self, args, kwargs):
        try:
            self._signature.bind(None, *args, **kwargs)
        except TypeError as exc:
            raise IncorrectSignature(str(exc)) from None


rpc = QuickRpc.decorator


class ReplyConsumer(QueueConsumer):
    """Consumes a service's RPC reply queue with automatic acknowledgement, on a connection of its
    own. A reply is wanted only while its caller waits: one the broker hands out and the service
    then loses (it stopped) would be of no use redelivered, so acknowledging each costs a message
    to the broker per call and buys nothing."""

    def get_consumers(self, consumer_cls, channel):
        for provider in self._providers:
            self._consumers[provider] = consumer_cls(
                queues=[provider.queue], callbacks=[functools.partial(self.handle_message, provider)],
                accept=self.accept, no_ack=True)
        return self._consumers.values()

    def handle_message(self, provider, body, message):
        # Handing the body to the waiting caller is all there is to do: no worker thread for it.
        provider.handle_message(body, message)


class QuickReplyListener(ReplyListener):
    """Nameko's reply listener on `ReplyConsumer`. Its queue is declared (and bound) while the
    service is set up: the reply consumer has a connection of its own, which may be ready after
    the service has begun to take requests, and a reply sent to a queue not declared yet would be
    lost to the caller waiting for it."""

    queue_consumer = ReplyConsumer()

    def setup(self):
        super().setup()
        config = self.container.config
        with Connection(config[AMQP_URI_CONFIG_KEY], ssl=config.get(AMQP_SSL_CONFIG_KEY),
                        login_method=config.get(LOGIN_METHOD_CONFIG_KEY)) as connection:
            self.queue(connection.default_channel).declare()

    def handle_message(self, body, message):
        waiting = self._reply_events.pop(message.properties.get("correlation_id"), None)
        if waiting is not None:
            waiting.send(body)


class RpcProxy(NamekoRpcProxy):
    """Nameko's `RpcProxy` for calls between services, sending requests as transient messages
    without a confirm each: an RPC lives only as long as its caller waits, so writing it to disk
    buys nothing (a request lost with the broker is a timeout the caller already handles), and it
    costs every call a disk write. Replies are taken without an acknowledgement each
    (`ReplyConsumer`)."""

    rpc_reply_listener = QuickReplyListener()

    def __init__(self, target_service: str, **options):
        options.setdefault("use_confirms", False)
        options.setdefault("delivery_mode", NON_PERSISTENT)
        super().__init__(target_service, **options)
