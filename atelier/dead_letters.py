"""`atelier dlq list|replay`: inspect a service's dead letters and send them back to their handler."""

from __future__ import annotations

import json
from dataclasses import dataclass

import pika
import pika.exceptions

from services.common.runtime import topology


@dataclass
class DeadLetter:
    event_id: str | None
    type: str | None
    queue: str | None
    reason: str | None
    attempts: int
    body: bytes


def _origin(headers: dict) -> tuple[str | None, str | None]:
    """The handler queue a message was dead-lettered from, and why."""
    for death in headers.get("x-death") or []:
        queue = death.get("queue")
        if queue and not queue.endswith(".retry"):
            return queue, death.get("reason")
    return headers.get(topology.QUEUE_HEADER) or headers.get("x-first-death-queue"), None


def _describe(properties, body: bytes) -> DeadLetter:
    headers = properties.headers or {}
    queue, reason = _origin(headers)
    try:
        envelope = json.loads(body)
    except ValueError:
        envelope = {}
    if not isinstance(envelope, dict):
        envelope = {}
    return DeadLetter(
        event_id=envelope.get("id") or properties.message_id,
        type=envelope.get("type"),
        queue=queue,
        reason=reason,
        attempts=int(headers.get(topology.ATTEMPTS_HEADER, 1)),
        body=body,
    )


class NoDeadLetterQueue(LookupError):
    pass


def _fetch_all(channel, queue: str):
    """Take every message currently in `queue` without acknowledging it."""
    try:
        count = channel.queue_declare(queue, passive=True).method.message_count
    except pika.exceptions.ChannelClosedByBroker as exc:
        if exc.reply_code == 404:
            raise NoDeadLetterQueue(
                f"there is no queue {queue}: the service has no event handlers, or has never run "
                "against this broker"
            ) from None
        raise
    for _ in range(count):
        method, properties, body = channel.basic_get(queue, auto_ack=False)
        if method is None:
            break
        yield method, properties, body


def list_dead_letters(uri: str, service: str) -> list[DeadLetter]:
    connection = pika.BlockingConnection(pika.URLParameters(uri))
    try:
        channel = connection.channel()
        letters = [_describe(p, b) for _, p, b in _fetch_all(channel, f"{service}.dlq")]
        channel.close()  # unacknowledged messages go back to the queue, in order
        return letters
    finally:
        connection.close()


def replay(uri: str, service: str, ids: set[str] | None = None) -> list[DeadLetter]:
    """Republish dead letters (all, or those whose event id is in `ids`) to their handler's queue."""
    connection = pika.BlockingConnection(pika.URLParameters(uri))
    replayed: list[DeadLetter] = []
    try:
        channel = connection.channel()
        channel.confirm_delivery()
        for method, properties, body in list(_fetch_all(channel, f"{service}.dlq")):
            letter = _describe(properties, body)
            if (ids and letter.event_id not in ids) or not letter.queue:
                continue
            headers = {k: v for k, v in (properties.headers or {}).items()
                       if not k.startswith("x-")}
            channel.basic_publish(
                exchange="",
                routing_key=letter.queue,
                body=body,
                properties=pika.BasicProperties(
                    content_type=properties.content_type,
                    content_encoding=properties.content_encoding,
                    message_id=properties.message_id,
                    delivery_mode=2,
                    headers=headers,
                ),
                mandatory=True,
            )
            channel.basic_ack(method.delivery_tag)
            replayed.append(letter)
        channel.close()
        return replayed
    finally:
        connection.close()
