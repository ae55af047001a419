"""A test's own view of the event exchange: every published event, in arrival order."""

from __future__ import annotations

import json

import pika

from services.common.settings import EVENTS_EXCHANGE


class EventTap:
    def __init__(self, amqp_uri: str, pattern: str = "#"):
        self.connection = pika.BlockingConnection(pika.URLParameters(amqp_uri))
        self.channel = self.connection.channel()
        self.channel.exchange_declare(EVENTS_EXCHANGE, exchange_type="topic", durable=True)
        self.queue = self.channel.queue_declare("", exclusive=True).method.queue
        self.channel.queue_bind(self.queue, EVENTS_EXCHANGE, routing_key=pattern)
        self.events: list[dict] = []

    def drain(self) -> list[dict]:
        """Collect what arrived since the last call; returns everything seen so far."""
        while True:
            method, _properties, body = self.channel.basic_get(self.queue, auto_ack=True)
            if method is None:
                return self.events
            self.events.append(json.loads(body))

    def ids(self) -> list[str]:
        return [e["id"] for e in self.drain()]

    def close(self) -> None:
        if self.connection.is_open:
            self.connection.close()
