"""Event handlers: durable queues, validated envelopes, idempotent effects, bounded retries.

    @event_handler("payment.succeeded")
    def on_payment_succeeded(self, uow, event):
        fulfilment.payment_succeeded(uow, event.data)

or, where the handler only hands the event on, in one line of the service class (the same
handler, named as the attribute):

    on_payment_succeeded = subscribe("payment.succeeded", data=fulfilment.payment_succeeded)

The decorated method runs inside a transaction of the service's unit of work (`with self.uow:`);
the event id is recorded in the inbox in that same transaction, so a redelivered event is
acknowledged and does nothing, and the events it records carry the handled event's correlation id.
A handler that raises is retried with exponential back-off
(`EVENT_MAX_ATTEMPTS`, `EVENT_RETRY_BACKOFF_MS`); after the last attempt, or at once for an event
that breaks its contract, the message goes to `<service>.dlq`.

An event that arrives before the one it depends on (another producer's, on another queue) raises
`TooEarly`: it is parked and tried again with back-off for as long as an outage may last
(`EVENT_PARK_HOURS`, 24), without using up its attempts, then dead-lettered.

Each handler runs at most `EVENT_HANDLER_WORKERS` workers at once in a process; events delivered
while they are busy wait, and the next worker handles those waiting together, in one transaction (at
most `EVENT_BATCH_MAX`): a busy queue pays for one transaction, not one per event, and a quiet one
handles each event as soon as it arrives.
If any of them fails, that transaction is rolled back and each event of the batch is handled again
in a transaction of its own, so one failing event is retried alone and the others take effect once.
"""

from __future__ import annotations

import functools
import logging
import time

from eventlet.semaphore import Semaphore
from kombu import Connection
from nameko.amqp.publish import get_producer
from nameko.exceptions import ContainerBeingKilled
from nameko.messaging import Consumer

from .. import events, inbox, settings
from . import logs, topology

log = logging.getLogger(__name__)

MAX_BACKOFF_MS = 60_000


class TooEarly(Exception):
    """The event depends on another not handled here yet (an order's `shipment.created` before its
    `order.placed`): park it and try again later."""


def backoff_ms(attempt: int, base_ms: int) -> int:
    """Delay before retry number `attempt` (1-based): base, 2×base, 4×base… capped at a minute."""
    return min(base_ms * 2 ** (attempt - 1), MAX_BACKOFF_MS)


class EventHandler(Consumer):
    """A Nameko entrypoint consuming events whose type matches any of `patterns`.

    Its worker receives a list of message bodies and returns one outcome per body: None when the
    event took effect, or the exception that stopped it."""

    def __init__(self, *patterns: str, max_attempts: int | None = None, **kwargs):
        if not patterns:
            raise ValueError("an event handler needs at least one event type or pattern")
        for pattern in patterns:
            if not events.types_matching(pattern):
                raise events.UnknownEventType(f"no event contract matches {pattern!r}")
        self.patterns = tuple(patterns)
        self.max_attempts = max_attempts
        super().__init__(queue=None, **kwargs)

    @property
    def amqp_uri(self) -> str:
        return self.container.config["AMQP_URI"]

    def setup(self):
        service = self.container.service_name
        with Connection(self.amqp_uri) as conn:
            self.queue = topology.declare_handler(
                conn.default_channel, service, self.method_name, self.patterns
            )
        self.attempts_allowed = self.max_attempts or settings.event_max_attempts()
        self.backoff_base_ms = settings.event_retry_backoff_ms()
        self.batch_max = settings.event_batch_max()
        self._waiting: list = []
        self._dispatching = False
        self._workers = Semaphore(settings.event_handler_workers())
        super().setup()

    # Deliveries arrive one by one from the queue consumer; they wait here until a worker takes
    # them, all those waiting at once.
    def handle_message(self, body, message):
        self._waiting.append((body, message))
        if not self._dispatching:
            self._dispatching = True
            self.container.spawn_managed_thread(self._dispatch)

    def _dispatch(self) -> None:
        try:
            while self._waiting:
                self._workers.acquire()  # while every worker is busy, more deliveries gather
                batch = self._waiting[:self.batch_max]
                del self._waiting[:self.batch_max]
                messages = [message for _body, message in batch]
                try:
                    self.container.spawn_worker(
                        self, ([body for body, _message in batch],), {},
                        context_data=self.unpack_message_headers(messages[0]),
                        handle_result=functools.partial(self.handle_result, messages),
                    )
                except ContainerBeingKilled:
                    self._workers.release()
                    for message in messages:
                        self.queue_consumer.requeue_message(message)
        finally:
            self._dispatching = False

    def handle_result(self, messages, worker_ctx, result=None, exc_info=None):
        self._workers.release()
        outcomes = result if exc_info is None else [exc_info[1]] * len(messages)
        for message, outcome in zip(messages, outcomes, strict=True):
            self._settle(message, outcome)
        return result, exc_info

    def _settle(self, message, exc: BaseException | None) -> None:
        if exc is None:
            self.queue_consumer.ack_message(message)
            return

        headers = message.headers or {}
        attempt = int(headers.get(topology.ATTEMPTS_HEADER, 1))
        if isinstance(exc, TooEarly):
            self._park(message, exc)
            return
        permanent = isinstance(exc, events.InvalidEvent | events.UnknownEventType)
        if permanent or attempt >= self.attempts_allowed:
            log.error(
                "event %s dead-lettered from %s after %d attempt(s): %r",
                message.properties.get("message_id"), self.queue.name, attempt, exc, exc_info=exc,
            )
            if message.channel.connection:
                message.reject(requeue=False)
            return

        delay = backoff_ms(attempt, self.backoff_base_ms)
        log.warning(
            "event %s failed in %s (attempt %d of %d), retrying in %d ms: %r",
            message.properties.get("message_id"), self.queue.name, attempt,
            self.attempts_allowed, delay, exc, exc_info=exc,
        )
        self._republish_for_retry(message, attempt + 1, delay)
        self.queue_consumer.ack_message(message)

    def _park(self, message, exc: TooEarly) -> None:
        headers = message.headers or {}
        now = time.time()
        since = float(headers.get(topology.PARKED_SINCE_HEADER, now))
        parks = int(headers.get(topology.PARKS_HEADER, 0)) + 1
        if now - since > settings.event_park_seconds():
            log.error("event %s dead-lettered from %s: still too early after %.0f s: %s",
                      message.properties.get("message_id"), self.queue.name, now - since, exc)
            if message.channel.connection:
                message.reject(requeue=False)
            return
        delay = backoff_ms(parks, self.backoff_base_ms)
        log.info("event %s parked in %s for %d ms: %s",
                 message.properties.get("message_id"), self.queue.name, delay, exc)
        self._republish_for_retry(message, int(headers.get(topology.ATTEMPTS_HEADER, 1)), delay,
                                  {topology.PARKED_SINCE_HEADER: since,
                                   topology.PARKS_HEADER: parks})
        self.queue_consumer.ack_message(message)

    def _republish_for_retry(self, message, attempt: int, delay_ms: int,
                             extra_headers: dict | None = None) -> None:
        headers = dict(message.headers or {})
        headers.pop("x-death", None)
        headers[topology.ATTEMPTS_HEADER] = attempt
        headers[topology.QUEUE_HEADER] = self.queue.name
        headers.update(extra_headers or {})
        with get_producer(self.amqp_uri, confirms=True) as producer:
            producer.publish(
                message.body,
                exchange="",
                routing_key=f"{self.queue.name}.retry",
                headers=headers,
                expiration=delay_ms / 1000,
                delivery_mode=2,
                content_type=message.content_type,
                content_encoding=message.content_encoding,
                message_id=message.properties.get("message_id"),
                serializer=None,
                retry=True,
            )


def event_handler(*patterns: str, max_attempts: int | None = None):
    """Decorate `method(self, uow, event)` to handle events matching `patterns` exactly once."""

    def decorate(fn):
        def take_effect(self, uow, consumer: str, body) -> None:
            event = events.parse(body)
            if not inbox.claim(uow.session, consumer, event):
                log.info("event %s already handled by %s", event.id, consumer)
                return
            uow.correlate(event.correlation_id)
            logs.set_correlation(event.correlation_id)
            fn(self, uow, event)

        @functools.wraps(fn)
        def handle(self, bodies):
            consumer = f"{type(self).name}.{fn.__name__}"
            try:
                with self.uow as uow:
                    for body in bodies:
                        take_effect(self, uow, consumer, body)
                return [None] * len(bodies)
            except Exception as exc:
                if len(bodies) == 1:
                    return [exc]
                log.info("a batch of %d events in %s failed (%r); handling each alone",
                         len(bodies), consumer, exc)
            outcomes: list[Exception | None] = []
            for body in bodies:
                try:
                    with self.uow as uow:
                        take_effect(self, uow, consumer, body)
                    outcomes.append(None)
                except Exception as exc:  # noqa: BLE001 - settled per event: retry or dead letter
                    outcomes.append(exc)
            return outcomes

        return EventHandler.decorator(*patterns, max_attempts=max_attempts)(handle)

    return decorate


def subscribe(*patterns: str, data=None, event=None, max_attempts: int | None = None):
    """An event handler that hands each event to one function, declared in one line of the class:

        on_shop_verified = subscribe("shop.verified", data=effects.shop_verified)
        on_order_changed = subscribe(*ORDER_CHANGES, event=orders.order_changed)

    is the `@event_handler` method `on_shop_verified(self, uow, event)` that calls
    `effects.shop_verified(uow, event.data)` (with `event=`: the whole event, for a function that
    reads its type, id or time). Its queue and inbox name are the attribute's, as for a method."""
    if (data is None) == (event is None):
        raise TypeError("subscribe() takes one function: data= or event=")
    return _Subscription(patterns, data or event, data is not None, max_attempts)


class _Subscription:
    """Becomes the handler method when the class is made (`__set_name__`), under its own name."""

    def __init__(self, patterns, effect, gives_data: bool, max_attempts: int | None):
        self.patterns, self.effect = patterns, effect
        self.gives_data, self.max_attempts = gives_data, max_attempts

    def __set_name__(self, owner, name: str) -> None:
        effect, gives_data = self.effect, self.gives_data

        def hand_on(service, uow, event):
            effect(uow, event.data if gives_data else event)

        hand_on.__name__, hand_on.__qualname__ = name, f"{owner.__qualname__}.{name}"
        hand_on.__doc__ = f"{', '.join(self.patterns)} → {effect.__module__}.{effect.__name__}"
        setattr(owner, name, event_handler(*self.patterns, max_attempts=self.max_attempts)(hand_on))
