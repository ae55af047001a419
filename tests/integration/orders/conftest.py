"""The real catalog, shipping and orders services per test module and backend, called as the gateway
calls them (its own RPC client: kernel error class, code and per-field errors), with the orders and
catalog relays running so events reach their consumers. The orders timer runs every 0.2 s; the
clock of every process is movable (`world.move_clock(hours=73)`).
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pika
import pytest

from gateway.rpc.client import RpcClient
from services.common.events import make_envelope
from services.common.settings import EVENTS_EXCHANGE
from tests.support.tap import EventTap

STALE_SECONDS = "2"


class Caller:
    """`buyer.orders.checkout(body)`: a service method called with this caller's identity."""

    def __init__(self, client: RpcClient, roles: tuple[str, ...] = ("buyer",),
                 anonymous: bool = False):
        self.client = client
        self.user_id = None if anonymous else str(uuid.uuid4())
        self.context = {} if anonymous else {"user_id": self.user_id, "roles": list(roles)}

    def __getattr__(self, service: str):
        caller = self

        class _Service:
            def __getattr__(self, method: str):
                def call(*args, **kwargs):
                    return caller.client.call(service, method, *args, context=caller.context,
                                              **kwargs)

                def call_async(*args, **kwargs):
                    return caller.client.call_async(service, method, *args,
                                                    context=caller.context, **kwargs)

                call.call_async = call_async
                return call

        return _Service()


@dataclass
class World:
    system: Any
    client: RpcClient
    clock_file: Path
    orders_env: dict[str, str]
    orders_proc: Any = None
    offset_seconds: float = 0.0
    taps: list[EventTap] = field(default_factory=list)

    def buyer(self) -> Caller:
        return Caller(self.client, ("buyer",))

    def seller(self) -> Caller:
        return Caller(self.client, ("seller",))

    def admin(self) -> Caller:
        return Caller(self.client, ("admin",))

    def guest(self) -> Caller:
        return Caller(self.client, anonymous=True)

    def tap(self, pattern: str = "#") -> EventTap:
        tap = EventTap(self.system.amqp_uri, pattern)
        self.taps.append(tap)
        return tap

    def move_clock(self, hours: float) -> None:
        self.offset_seconds += hours * 3600
        self.clock_file.write_text(str(self.offset_seconds))

    def restart_orders(self, failpoints: str | None = None, wait: bool = True):
        """Stop the orders service and start it again (with `ATELIER_FAILPOINTS` armed)."""
        self.orders_proc.stop()
        env = dict(self.orders_env)
        if failpoints:
            env["ATELIER_FAILPOINTS"] = failpoints
        self.orders_proc = self.system.start("orders", env=env, wait=wait)
        return self.orders_proc

    def publish(self, type_: str, data: dict[str, Any]) -> dict[str, Any]:
        """Publish an event as another service's relay would."""
        envelope = make_envelope(type_, data, producer="tests", occurred_at=datetime.now(UTC))
        connection = pika.BlockingConnection(pika.URLParameters(self.system.amqp_uri))
        try:
            connection.channel().basic_publish(
                EVENTS_EXCHANGE, type_, json.dumps(envelope),
                pika.BasicProperties(content_type="application/json", delivery_mode=2,
                                     message_id=envelope["id"]))
        finally:
            connection.close()
        return envelope

    # A shop with products and a delivery method -------------------------------------------------
    def shop(self, seller: Caller, **rules: Any) -> dict[str, Any]:
        body = {"name": "Clay and fire", "currency": "RUB"}
        if rules:
            body["rules"] = rules
        return seller.catalog.create_shop(body)

    def product(self, seller: Caller, shop_id: str, **overrides: Any) -> dict[str, Any]:
        body = {
            "title": "Mug with a fox",
            "description": "Stoneware, glazed by hand.",
            "category": "mugs-and-cups",
            "price": 100000,
            "stock": {"mode": "tracked", "quantity": 5},
            "weight_grams": 400,
        }
        body.update(overrides)
        return seller.catalog.create_product(shop_id, body)

    def fixed_delivery(self, seller: Caller, shop_id: str, cost: int) -> str:
        method = seller.shipping.create_method(shop_id, {
            "name": "Courier", "carrier": "courier",
            "rate": {"basis": "fixed", "tiers": [{"from": 0, "cost": cost}]},
        })
        return method["id"]

    def seller_quoted_delivery(self, seller: Caller, shop_id: str) -> str:
        """A universal method: the seller quotes its cost after the order."""
        methods = seller.shipping.list_methods(shop_id)["items"]
        return next(m["id"] for m in methods if m["universal"] and m["name"] == "Other")

    def available(self, product_id: str, seller: Caller) -> int:
        return seller.catalog.get_product(product_id)["stock"]["quantity"]


ADDRESS = {"full_name": "Anna Petrova", "phone": "+79990000000", "country": "RU",
           "region": "Moscow", "city": "Moscow", "line1": "Tverskaya 1", "postal_code": "125009"}


def checkout_body(*shops: tuple[str, str], **extra: Any) -> dict[str, Any]:
    return {"shipping_address": ADDRESS, "accept_rules": True,
            "shops": [{"shop_id": s, "delivery_method_id": m} for s, m in shops], **extra}


@pytest.fixture(scope="module")
def world(system, tmp_path_factory):
    clock_file = tmp_path_factory.mktemp("clock") / "offset"
    clock_file.write_text("0")
    clock = {"ATELIER_CLOCK_FILE": str(clock_file)}
    orders_env = {**clock, "ORDERS_DEADLINE_POLL_SECONDS": "0.2",
                  "ORDERS_CHECKOUT_STALE_SECONDS": STALE_SECONDS,
                  "EVENT_RETRY_BACKOFF_MS": "200"}
    system.start("catalog", env=clock, wait=False)
    system.start("shipping", env=clock, wait=False)
    orders = system.start("orders", env=orders_env, wait=False)
    for proc, name in zip(system.processes, ("catalog", "shipping", "orders"), strict=True):
        proc.wait_healthy(name)
    system.relay("orders", "catalog", "shipping", env=clock)
    client = RpcClient(system.amqp_uri, timeout=20)
    running = World(system, client, clock_file, orders_env, orders)
    yield running
    for tap in running.taps:
        tap.close()
    client.close()
