"""Steps the catalog's integration tests share: callers with an identity, shops and products of
their own (uuid4 ids keep tests independent on one running service), and events published to the
exchange exactly as the relay publishes them."""

from __future__ import annotations

import json
import threading
import uuid
from typing import Any

from kombu import Connection, Exchange, Producer
from nameko.exceptions import get_module_path, registry
from nameko.standalone.rpc import ClusterRpcProxy

from services.common import clock, events
from services.common.settings import EVENTS_EXCHANGE


class Caller:
    """RPC as one user: the gateway passes `user_id` and `roles` as context data."""

    def __init__(self, amqp_uri: str, roles: tuple[str, ...] = ("seller",),
                 anonymous: bool = False):
        self.user_id = None if anonymous else str(uuid.uuid4())
        context = {} if anonymous else {"user_id": self.user_id, "roles": list(roles)}
        self.proxy = ClusterRpcProxy({"AMQP_URI": amqp_uri}, context_data=context, timeout=20)
        self.rpc = self.proxy.start()
        self.catalog = self.rpc.catalog

    def close(self) -> None:
        self.proxy.stop()


def shop_body(**overrides: Any) -> dict[str, Any]:
    return {"name": "Clay and fire", "currency": "RUB", **overrides}


def product_body(**overrides: Any) -> dict[str, Any]:
    body = {
        "title": "Mug with a fox",
        "description": "Stoneware, glazed by hand.",
        "category": "mugs-and-cups",
        "price": 150000,
        "stock": {"mode": "tracked", "quantity": 5},
        "characteristics": {"color": ["Blue"], "material": ["Stoneware"]},
    }
    body.update(overrides)
    return body


def publish(amqp_uri: str, type_: str, data: dict[str, Any]) -> dict[str, Any]:
    """Publish a valid event envelope to `atelier.events`, as the relay does."""
    envelope = events.make_envelope(type_, data, producer="tests", occurred_at=clock.now())
    publish_envelope(amqp_uri, envelope)
    return envelope


def publish_envelope(amqp_uri: str, envelope: dict[str, Any]) -> None:
    """Publish an envelope as it is (publishing one twice is a redelivery)."""
    type_ = envelope["type"]
    with Connection(amqp_uri) as conn:
        producer = Producer(conn.default_channel,
                            exchange=Exchange(EVENTS_EXCHANGE, type="topic", durable=True))
        producer.publish(json.dumps(envelope), routing_key=type_, serializer=None,
                         content_type="application/json", content_encoding="utf-8",
                         delivery_mode=2, message_id=envelope["id"])


def _typed_errors() -> None:
    """Let the RPC proxy raise the service's typed errors (with code and per-field errors) instead
    of a bare RemoteError, as the gateway's client reads them."""
    import services.catalog.domain.errors  # noqa: F401 - defines the catalog's error classes
    from services.common.errors import ServiceError

    pending = [ServiceError]
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        registry[get_module_path(cls)] = cls


_typed_errors()


def all_at_once(amqp_uri: str, count: int, act) -> None:
    """`act(client)` in `count` threads, each with an RPC client of its own, released together."""
    proxies = [ClusterRpcProxy({"AMQP_URI": amqp_uri}, timeout=60) for _ in range(count)]
    clients = [proxy.start() for proxy in proxies]
    start = threading.Barrier(count)

    def run(client) -> None:
        start.wait(30)
        act(client)

    threads = [threading.Thread(target=run, args=(client,)) for client in clients]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)
    finally:
        for proxy in proxies:
            proxy.stop()
