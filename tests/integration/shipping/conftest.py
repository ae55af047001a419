"""A running shipping service per test module and backend, called as the gateway calls it, with
the real catalog and orders services beside it (a shipment is taken by its order first, so a
shipped order is a real one: `paid_order`); other orders are told to shipping by publishing the
order events (`order`).

Calls go through the gateway's own RPC client, so a test sees what the gateway will see: the
kernel error class (`Invalid`, `NotFound`, `Forbidden`), the error code and the per-field errors.
The service's timers run every 0.2 s, its clock is movable (`shipping.move_clock(days=8)`), and
fake CDEK API v2 and Russian Post tracking servers answer its tracking polls, checking its
credentials and requests as the carriers do.
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
from tests.support.fake_carrier_cdek import FakeCdek
from tests.support.fake_carrier_russian_post import FakeRussianPost
from tests.support.tap import EventTap
from tests.support.waiting import wait_for

TIMER_SECONDS = "0.2"
ADDRESS = {"full_name": "Anna Petrova", "phone": "+79990000000", "country": "RU",
           "region": "Moscow", "city": "Moscow", "line1": "Tverskaya 1", "postal_code": "125009"}


class Caller:
    """`caller.create_method(shop_id, body)` calls shipping with this caller's identity."""

    def __init__(self, client: RpcClient, context: dict[str, Any]):
        self._client = client
        self._context = context
        self.user_id = context.get("user_id")

    def __getattr__(self, method: str):
        return self.of("shipping").__getattr__(method)

    def of(self, service: str) -> Any:
        """`caller.of("orders").confirm(order_id)`: another service, with this caller's identity."""
        client, context = self._client, self._context

        class _Service:
            def __getattr__(self, method: str):
                def call(*args, **kwargs):
                    return client.call(service, method, *args, context=context, **kwargs)

                return call

        return _Service()


@dataclass
class Shipping:
    system: Any
    env: dict[str, str]
    amqp_uri: str
    client: RpcClient
    clock_file: Path
    cdek: FakeCdek
    russian_post: FakeRussianPost
    offset_seconds: float = 0.0
    taps: list[EventTap] = field(default_factory=list)
    sold: dict[str, tuple[str, str]] = field(default_factory=dict)  # shop → (product, method)

    def start_replica(self) -> None:
        """One more shipping process on the same database and queues."""
        self.system.start("shipping", env=self.env)

    def seller(self) -> Caller:
        return Caller(self.client, {"user_id": str(uuid.uuid4()), "roles": ["seller"]})

    def admin(self) -> Caller:
        return Caller(self.client, {"user_id": str(uuid.uuid4()), "roles": ["admin"]})

    def open_shop(self) -> tuple[Caller, str]:
        """A seller and their shop in the catalog, once shipping has heard of it
        (`shop.created`)."""
        seller = self.seller()
        shop_id = seller.of("catalog").create_shop({"name": "Clay and fire", "currency": "RUB"})["id"]
        wait_for(lambda: self.anyone().known_shop(shop_id), message="shop.created handled")
        return seller, shop_id

    def order(self, seller: Caller, shop_id: str, *statuses: str,
              buyer_id: str | None = None) -> str:
        """An order of the shop, placed and moved through `statuses` (order events), once
        shipping has followed them."""
        order_id = str(uuid.uuid4())
        ref = {"order_id": order_id, "shop_id": shop_id, "buyer_id": buyer_id or str(uuid.uuid4()),
               "seller_id": seller.user_id}
        money = {"amount": 100_000, "currency": "RUB"}
        self.publish("order.placed", {**ref, "grand_total": money, "lines": [
            {"product_id": str(uuid.uuid4()), "quantity": 1, "unit_price": money}]})
        for status in statuses:
            extra = {"reason": "buyer_lapse"} if status == "cancelled" else {}
            self.publish(f"order.{status}", {**ref, "by": "seller", **extra})
        last = statuses[-1] if statuses else "placed"
        wait_for(lambda: (seller.known_order(order_id) or {}).get("status") == last,
                 message=f"order {last}")
        return order_id

    def paid_order(self, seller: Caller, shop_id: str) -> str:
        """A real order of the shop (catalog, checkout, orders), confirmed and marked paid by its
        seller, once shipping has followed it to `paid`."""
        if shop_id not in self.sold:
            product = seller.of("catalog").create_product(shop_id, {
                "title": "Mug with a fox", "description": "Stoneware, glazed by hand.",
                "category": "ceramics", "price": 100_000, "weight_grams": 400,
                "stock": {"mode": "untracked"}})
            method = seller.create_method(shop_id, {
                "name": "Courier", "carrier": "courier",
                "rate": {"basis": "fixed", "tiers": [{"from": 0, "cost": 30_000}]}})
            self.sold[shop_id] = (product["id"], method["id"])
        product_id, method_id = self.sold[shop_id]
        buyer = self.buyer()
        buyer.of("orders").add_cart_item({"product_id": product_id, "quantity": 1})
        placed = buyer.of("orders").checkout({
            "shipping_address": ADDRESS, "accept_rules": True,
            "shops": [{"shop_id": shop_id, "delivery_method_id": method_id}]},
            idempotency_key=str(uuid.uuid4()))
        [order] = placed["orders"]
        seller.of("orders").confirm(order["id"])
        seller.of("orders").mark_paid(order["id"])
        wait_for(lambda: (seller.known_order(order["id"]) or {}).get("status") == "paid",
                 message="order paid")
        return order["id"]

    def order_as_orders_sees_it(self, seller: Caller, order_id: str) -> dict:
        return seller.of("orders").get_order(order_id)

    def buyer(self) -> Caller:
        return Caller(self.client, {"user_id": str(uuid.uuid4()), "roles": ["buyer"]})

    def anyone(self) -> Caller:
        return Caller(self.client, {})

    def tap(self, pattern: str = "#") -> EventTap:
        tap = EventTap(self.amqp_uri, pattern)
        self.taps.append(tap)
        return tap

    def move_clock(self, days: float) -> None:
        """Move every process's clock forward (ATELIER_CLOCK_FILE)."""
        self.offset_seconds += days * 86_400
        self.clock_file.write_text(str(self.offset_seconds))

    def publish(self, type_: str, data: dict, occurred_at: datetime | None = None,
                producer: str = "orders") -> dict:
        """Publish an event as the producer's relay would."""
        envelope = make_envelope(
            type_, data, producer=producer, occurred_at=occurred_at or datetime.now(UTC)
        )
        connection = pika.BlockingConnection(pika.URLParameters(self.amqp_uri))
        try:
            connection.channel().basic_publish(
                EVENTS_EXCHANGE,
                type_,
                json.dumps(envelope),
                pika.BasicProperties(
                    content_type="application/json",
                    delivery_mode=2,
                    message_id=envelope["id"],
                ),
            )
        finally:
            connection.close()
        return envelope


@pytest.fixture(scope="module")
def carriers():
    cdek, russian_post = FakeCdek().start(), FakeRussianPost().start()
    yield cdek, russian_post
    cdek.stop()
    russian_post.stop()


@pytest.fixture(scope="module")
def shipping(system, carriers, tmp_path_factory) -> Shipping:
    cdek, russian_post = carriers
    clock_file = tmp_path_factory.mktemp("clock") / "offset"
    clock_file.write_text("0")
    env = {
        "ATELIER_CLOCK_FILE": str(clock_file),
        "SHIPPING_CDEK_URL": cdek.url,
        "SHIPPING_CDEK_CLIENT_ID": cdek.client_id,
        "SHIPPING_CDEK_CLIENT_SECRET": cdek.client_secret,
        "SHIPPING_RUSSIAN_POST_URL": russian_post.url,
        "SHIPPING_RUSSIAN_POST_LOGIN": russian_post.login,
        "SHIPPING_RUSSIAN_POST_PASSWORD": russian_post.password,
        "SHIPPING_TRACKING_POLL_SECONDS": TIMER_SECONDS,
        "SHIPPING_OVERDUE_CHECK_SECONDS": TIMER_SECONDS,
        "SHIPPING_CARRIER_TIMEOUT_SECONDS": "2",
        "RPC_TIMEOUT_SECONDS": "10",
    }
    system.start("catalog", wait=False)
    system.start("orders", env={"EVENT_RETRY_BACKOFF_MS": "200"}, wait=False)
    system.start("shipping", env=env, wait=False)
    for proc, name in zip(system.processes, ("catalog", "orders", "shipping"), strict=True):
        proc.wait_healthy(name)
    system.relay("shipping", "catalog", "orders", env={"ATELIER_CLOCK_FILE": str(clock_file)})
    client = RpcClient(system.amqp_uri, timeout=10)
    running = Shipping(system, env, system.amqp_uri, client, clock_file, cdek, russian_post)
    yield running
    for tap in running.taps:
        tap.close()
    client.close()
