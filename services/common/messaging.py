"""Event handlers: durable queues, validated envelopes, idempotent effects, bounded retries.

    @event_handler("payment.succeeded")
    def on_payment_succeeded(self, session, event):
        actions.record_payment(session, self.events, event)

The decorated method runs inside `self.db.transaction()`; the event id is recorded in the inbox in
that same transaction, so a redelivered event is acknowledged and does nothing. A handler that raises
is retried with exponential back-off (`EVENT_MAX_ATTEMPTS`, `EVENT_RETRY_BACKOFF_MS`); after the last
attempt, or at once for an event that breaks its contract, the message goes to `<service>.dlq`.
"""

from __future__ import annotations

import functools
import logging

from kombu import Connection
from nameko.amqp.publish import get_producer
from nameko.messaging import Consumer

from . import events, inbox, settings, topology

log = logging.getLogger(__name__)

MAX_BACKOFF_MS = 60_000


def backoff_ms(attempt: int, base_ms: int) -> int:
    """Delay before retry number `attempt` (1-based): base, 2×base, 4×base… capped at a minute."""
    return min(base_ms * 2 ** (attempt - 1), MAX_BACKOFF_MS)


class EventHandler(Consumer):
    """A Nameko entrypoint consuming events whose type matches any of `patterns`."""

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
        super().setup()

    def handle_result(self, message, worker_ctx, result=None, exc_info=None):
        if exc_info is None:
            self.queue_consumer.ack_message(message)
            return result, exc_info

        exc = exc_info[1]
        attempt = int((message.headers or {}).get(topology.ATTEMPTS_HEADER, 1))
        permanent = isinstance(exc, events.InvalidEvent | events.UnknownEventType)
        if permanent or attempt >= self.attempts_allowed:
            log.error(
                "event %s dead-lettered from %s after %d attempt(s): %r",
                message.properties.get("message_id"), self.queue.name, attempt, exc,
            )
            if message.channel.connection:
                message.reject(requeue=False)
            return result, exc_info

        delay = backoff_ms(attempt, self.backoff_base_ms)
        log.warning(
            "event %s failed in %s (attempt %d of %d), retrying in %d ms: %r",
            message.properties.get("message_id"), self.queue.name, attempt,
            self.attempts_allowed, delay, exc,
        )
        self._republish_for_retry(message, attempt + 1, delay)
        self.queue_consumer.ack_message(message)
        return result, exc_info

    def _republish_for_retry(self, message, attempt: int, delay_ms: int) -> None:
        headers = dict(message.headers or {})
        headers.pop("x-death", None)
        headers[topology.ATTEMPTS_HEADER] = attempt
        headers[topology.QUEUE_HEADER] = self.queue.name
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
    """Decorate `method(self, session, event)` to handle events matching `patterns` exactly once."""

    def decorate(fn):
        @functools.wraps(fn)
        def handle(self, body):
            event = events.parse(body)
            consumer = f"{type(self).name}.{fn.__name__}"
            with self.db.transaction() as session:
                if not inbox.claim(session, consumer, event):
                    log.info("event %s already handled by %s", event.id, consumer)
                    return None
                return fn(self, session, event)

        return EventHandler.decorator(*patterns, max_attempts=max_attempts)(handle)

    return decorate
