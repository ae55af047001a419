"""A lean Nameko RPC client: one connection pair and one reply queue per gateway process.

It speaks Nameko 2's AMQP RPC protocol directly (exchange `nameko-rpc`, routing key
`<service>.<method>`, body `{"args": [...], "kwargs": {...}}`, `reply_to` + `correlation_id`, reply
`{"result": ..., "error": {...}}`) and is safe to share between threads:

- requests are published on one connection under a lock (a publish is tens of microseconds);
- replies arrive on another connection, drained by one background thread that hands each reply to the
  waiting caller by correlation id; many calls can be in flight at once;
- nothing is declared per call: the reply queue is made once, when the first call comes in (so after
  gunicorn has forked), and again only after the broker connection was lost.

Requests are published non-persistent with a per-message TTL equal to the call's timeout: a caller
waits at most that long, and a request nobody picked up in time is dropped by the broker instead of
running later, after the caller has given up. Before a call, the service's queue is checked to have a
consumer (cached for `presence_ttl` seconds), so a stopped service answers 503 at once instead of
after the timeout.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import threading
import time
import uuid
from collections.abc import Mapping
from typing import Any

import amqp.exceptions
from kombu import Connection, Consumer, Exchange, Producer, Queue
from kombu.utils import json as kombu_json

from .errors import RemoteError, ServiceUnavailable

log = logging.getLogger(__name__)

RPC_EXCHANGE = "nameko-rpc"
HEADER_PREFIX = "nameko"
_BROKER_ERRORS = (OSError, ConnectionError, amqp.exceptions.AMQPError)


class PendingReply:
    """A call in flight; `result()` waits for its answer."""

    __slots__ = ("service", "method", "correlation_id", "deadline", "_answered", "_body", "_client")

    def __init__(self, client: RpcClient, service: str, method: str, timeout: float):
        self._client = client
        self.service = service
        self.method = method
        self.correlation_id = str(uuid.uuid4())
        self.deadline = time.monotonic() + timeout
        # Held until the answer comes: a bare lock is the cheapest thing a thread can wait on
        # (threading.Event adds a Condition and a lock per waiter).
        self._answered = threading.Lock()
        self._answered.acquire()
        self._body: Any = None

    def _resolve(self, body: Any) -> None:
        self._body = body
        with contextlib.suppress(RuntimeError):  # resolved twice (a late reply after a restart)
            self._answered.release()

    def result(self) -> Any:
        remaining = max(self.deadline - time.monotonic(), 0.0)
        if self._answered.acquire(timeout=remaining):
            self._answered.release()  # stays answered: reading the result again returns at once
        else:
            self._client._forget(self.correlation_id)
            raise ServiceUnavailable(self.service, f"no answer to {self.method} in time")
        body = self._body
        if isinstance(body, ServiceUnavailable):
            raise body
        if not isinstance(body, dict):
            raise ServiceUnavailable(self.service, f"unreadable reply to {self.method}")
        error = body.get("error")
        if error:
            raise RemoteError(
                self.service,
                error.get("exc_type", "Exception"),
                error.get("exc_args") or [],
                error.get("value", ""),
                error.get("exc_path"),
            )
        return body.get("result")


class RpcClient:
    def __init__(
        self,
        amqp_uri: str,
        *,
        timeout: float = 5.0,
        presence_ttl: float = 1.0,
        connect_timeout: float = 2.0,
        exchange: str = RPC_EXCHANGE,
    ):
        self.amqp_uri = amqp_uri
        self.timeout = timeout
        self.presence_ttl = presence_ttl
        self.connect_timeout = connect_timeout
        self.exchange = Exchange(exchange, type="topic", durable=True)
        self._lock = threading.Lock()  # guards the publishing connection and (re)starting
        self._pending: dict[str, PendingReply] = {}
        self._present_until: dict[str, float] = {}
        self._pid: int | None = None
        self._generation = 0
        self._reset_state()

    # -- public -----------------------------------------------------------------------------

    def call(self, service: str, method: str, *args, context: Mapping[str, Any] | None = None,
             timeout: float | None = None, **kwargs) -> Any:
        return self.call_async(
            service, method, *args, context=context, timeout=timeout, **kwargs
        ).result()

    def call_async(self, service: str, method: str, *args, context: Mapping[str, Any] | None = None,
                   timeout: float | None = None, **kwargs) -> PendingReply:
        """Send the request now; the answer is read with `.result()` (for parallel calls)."""
        timeout = self.timeout if timeout is None else timeout
        pending = PendingReply(self, service, method, timeout)
        headers = {
            f"{HEADER_PREFIX}.{key}": value
            for key, value in (context or {}).items()
            if value is not None
        }
        headers.setdefault(
            f"{HEADER_PREFIX}.call_id_stack", [f"gateway.{method}.{pending.correlation_id}"]
        )
        body = json.dumps({"args": list(args), "kwargs": kwargs}, cls=kombu_json.JSONEncoder)
        with self._lock:
            try:
                self._ensure_started()
                self._ensure_present(service, timeout)
                self._pending[pending.correlation_id] = pending
                self._producer.publish(
                    body,
                    exchange=self.exchange,
                    routing_key=f"{service}.{method}",
                    reply_to=self._reply_routing_key,
                    correlation_id=pending.correlation_id,
                    headers=headers,
                    delivery_mode=1,
                    expiration=max(timeout, 0.001),
                    serializer=None,
                    content_type="application/json",
                    content_encoding="utf-8",
                    retry=False,
                )
            except ServiceUnavailable:
                self._pending.pop(pending.correlation_id, None)
                raise
            except _BROKER_ERRORS as exc:
                self._pending.pop(pending.correlation_id, None)
                self._restart_later(f"publish failed: {exc!r}")
                raise ServiceUnavailable(service, "message broker unreachable") from exc
        return pending

    def is_running(self, service: str, timeout: float = 1.0) -> bool:
        """Whether something consumes `service`'s RPC queue (no call made)."""
        with self._lock:
            try:
                self._ensure_started()
                return self._consumer_count(service) > 0
            except ServiceUnavailable:
                return False
            except _BROKER_ERRORS as exc:
                self._restart_later(f"presence check failed: {exc!r}")
                return False

    def broker_reachable(self) -> bool:
        with self._lock:
            try:
                self._ensure_started()
                return self._pub_conn is not None and self._pub_conn.connected
            except ServiceUnavailable:
                return False

    def close(self) -> None:
        with self._lock:
            self._shutdown()

    # -- internals --------------------------------------------------------------------------

    def _reset_state(self) -> None:
        self._pub_conn: Connection | None = None
        self._producer: Producer | None = None
        self._check_channel = None
        self._reply_routing_key: str | None = None
        self._consumer_thread: threading.Thread | None = None
        self._stopping = threading.Event()
        self._ready = False
        self._present_until.clear()

    def _ensure_started(self) -> None:
        if self._pid != os.getpid():  # a forked child never uses its parent's sockets
            self._reset_state()
            self._pending.clear()
            self._pid = os.getpid()
        if self._ready:
            return
        self._shutdown()
        self._generation += 1
        routing_key = str(uuid.uuid4())
        queue = Queue(
            f"rpc.reply-gateway-{routing_key}",
            exchange=self.exchange,
            routing_key=routing_key,
            exclusive=True,
            auto_delete=True,
        )
        consumer_conn = Connection(self.amqp_uri, connect_timeout=self.connect_timeout)
        pub_conn = Connection(self.amqp_uri, connect_timeout=self.connect_timeout)
        try:
            consumer_conn.connect()
            pub_conn.connect()
            consumer = Consumer(
                consumer_conn.channel(), queues=[queue], on_message=self._on_reply, no_ack=True,
            )
            consumer.consume()
        except _BROKER_ERRORS as exc:
            consumer_conn.release()
            pub_conn.release()
            raise ServiceUnavailable("broker", f"cannot connect: {exc!r}") from exc
        self._pub_conn = pub_conn
        self._producer = Producer(pub_conn.channel(), exchange=self.exchange)
        self._reply_routing_key = routing_key
        self._stopping = threading.Event()
        self._consumer_thread = threading.Thread(
            target=self._drain, args=(consumer_conn, self._stopping, self._generation),
            name="gateway-rpc-replies", daemon=True,
        )
        self._consumer_thread.start()
        self._ready = True

    def _drain(self, conn: Connection, stopping: threading.Event, generation: int) -> None:
        try:
            while not stopping.is_set():
                try:
                    conn.drain_events(timeout=0.5)
                except TimeoutError:
                    self._sweep()
                    continue
        except _BROKER_ERRORS as exc:
            if not stopping.is_set():
                log.warning("rpc reply connection lost: %r", exc)
                with self._lock:
                    if generation == self._generation:
                        self._restart_later("reply connection lost")
        finally:
            with contextlib.suppress(_BROKER_ERRORS):
                conn.release()

    def _on_reply(self, message) -> None:
        # Services answer in JSON (the encoding of the request), with kombu's markers for dates,
        # UUIDs and decimals; decoded here as kombu would, without its per-message registry work.
        pending = self._pending.pop(message.properties.get("correlation_id"), None)
        if pending is None:
            return
        try:
            body = json.loads(message.body, object_hook=kombu_json.object_hook)
        except ValueError:
            body = None
        pending._resolve(body)

    def _sweep(self) -> None:
        """Forget calls whose caller stopped waiting without reading them (abandoned on error)."""
        cutoff = time.monotonic() - 1.0
        for correlation_id, pending in list(self._pending.items()):
            if pending.deadline < cutoff:
                self._pending.pop(correlation_id, None)

    def _forget(self, correlation_id: str) -> None:
        self._pending.pop(correlation_id, None)

    def _restart_later(self, reason: str) -> None:
        """Drop the connections; the next call makes new ones. Calls in flight fail now."""
        self._ready = False
        self._present_until.clear()
        for correlation_id in list(self._pending):
            pending = self._pending.pop(correlation_id, None)
            if pending is not None:
                pending._resolve(ServiceUnavailable(pending.service, reason))

    def _shutdown(self) -> None:
        self._stopping.set()
        if self._pub_conn is not None:
            with contextlib.suppress(_BROKER_ERRORS):
                self._pub_conn.release()
        self._pub_conn = None
        self._producer = None
        self._check_channel = None
        self._ready = False

    def _ensure_present(self, service: str, timeout: float) -> None:
        now = time.monotonic()
        if self._present_until.get(service, 0.0) > now:
            return
        if self._consumer_count(service) == 0:
            raise ServiceUnavailable(service, "no running instance")
        self._present_until[service] = now + self.presence_ttl

    def _consumer_count(self, service: str) -> int:
        if self._check_channel is None:
            self._check_channel = self._pub_conn.channel()
        try:
            _name, _messages, consumers = self._check_channel.queue_declare(
                queue=f"rpc-{service}", passive=True
            )
        except amqp.exceptions.NotFound as exc:
            # The broker closes a channel whose passive declare failed.
            self._check_channel = None
            raise ServiceUnavailable(service, "never started") from exc
        return consumers
