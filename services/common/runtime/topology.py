"""Names and declarations of the broker objects events travel through.

- `atelier.events`: one durable topic exchange; routing key = event type.
- `<service>.<handler>`: a durable queue per event handler, bound by the handler's type patterns, with
  `<service>.dlx` as its dead-letter exchange.
- `<service>.<handler>.retry`: holds a failed message for its back-off delay, then dead-letters it
  back to the handler's queue.
- `<service>.dlq`: where a service's messages go once they have failed too often.
"""

from __future__ import annotations

from kombu import Exchange, Queue, binding
from kombu.transport.pyamqp import Transport

from ..settings import EVENTS_EXCHANGE

ATTEMPTS_HEADER = "x-atelier-attempts"
QUEUE_HEADER = "x-atelier-queue"
PARKED_SINCE_HEADER = "x-atelier-parked-since"  # when an event first came too early (epoch s)
PARKS_HEADER = "x-atelier-parks"

# What a broken or refused broker connection or channel raises (socket errors included).
BROKER_ERRORS: tuple[type[BaseException], ...] = (
    *Transport.connection_errors, *Transport.channel_errors)


def events_exchange() -> Exchange:
    return Exchange(EVENTS_EXCHANGE, type="topic", durable=True, auto_delete=False)


def dead_letter_exchange(service: str) -> Exchange:
    return Exchange(f"{service}.dlx", type="fanout", durable=True, auto_delete=False)


def dead_letter_queue(service: str) -> Queue:
    return Queue(f"{service}.dlq", exchange=dead_letter_exchange(service), durable=True)


def handler_queue(service: str, handler: str, patterns: tuple[str, ...]) -> Queue:
    name = f"{service}.{handler}"
    exchange = events_exchange()
    return Queue(
        name,
        bindings=[binding(exchange, routing_key=pattern) for pattern in patterns],
        durable=True,
        queue_arguments={"x-dead-letter-exchange": f"{service}.dlx"},
    )


def retry_queue(handler_queue_name: str) -> Queue:
    return Queue(
        f"{handler_queue_name}.retry",
        durable=True,
        queue_arguments={
            "x-dead-letter-exchange": "",
            "x-dead-letter-routing-key": handler_queue_name,
        },
    )


def declare_handler(channel, service: str, handler: str, patterns: tuple[str, ...]) -> Queue:
    """Declare everything one handler needs; safe to repeat."""
    events_exchange()(channel).declare()
    dead_letter_exchange(service)(channel).declare()
    dead_letter_queue(service)(channel).declare()
    queue = handler_queue(service, handler, patterns)
    retry_queue(queue.name)(channel).declare()
    queue(channel).declare()
    return queue
