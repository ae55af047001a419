"""Small real Nameko services standing in for the platform's services in the gateway's tests.

Each answers `health` like a real service; `gwprobe` raises the kernel's typed errors on demand and
echoes the context data the gateway sent. Run with `nameko run --broker URI <this module>[:Class]`.
"""

from __future__ import annotations

import logging
from threading import Event

from nameko.extensions import DependencyProvider
from nameko.rpc import rpc

from services.common.errors import Conflict, Forbidden, Invalid, NotFound

log = logging.getLogger("fake_services")


class ContextData(DependencyProvider):
    def get_dependency(self, worker_ctx):
        return worker_ctx.context_data


def health_rpc():
    """Each service's `health` entrypoint (a fresh function per class, as Nameko expects)."""

    @rpc
    def health(self):
        return {"service": type(self).name, "status": "ok"}

    return health


class Probe:
    name = "gwprobe"
    health = health_rpc()
    context_data = ContextData()

    @rpc
    def echo_context(self):
        return {key: self.context_data.get(key) for key in ("request_id", "user_id", "roles")}

    @rpc
    def fail(self, kind):
        errors = {
            "not_found": NotFound("no such thing"),
            "forbidden": Forbidden("not yours"),
            "invalid": Invalid("bad input", errors={"quantity": ["Must be positive."]}),
            "conflict": Conflict("already done", code="already_done"),
        }
        if kind in errors:
            raise errors[kind]
        raise RuntimeError("boom")

    @rpc
    def slow(self, seconds):
        """Work that takes `seconds` (nothing ends it sooner): what a timeout is measured against."""
        Event().wait(timeout=seconds)
        return "done"


class Catalog:
    name = "catalog"
    health = health_rpc()

    @rpc
    def seller_shop(self, seller_id):
        return {"shop_id": None}


class Orders:
    """Shows a customer's stats to admins only; a seller "has no order" from anyone here."""

    name = "orders"
    health = health_rpc()
    context_data = ContextData()

    @rpc
    def customer_stats(self, customer_id):
        log.info("orders.customer_stats request_id=%s user_id=%s roles=%s",
                 self.context_data.get("request_id"), self.context_data.get("user_id"),
                 self.context_data.get("roles"))
        if "admin" not in (self.context_data.get("roles") or []):
            raise Forbidden("You have no order from this customer.", code="not_your_customer")
        return {"orders_closed": 3, "orders_cancelled": 1, "reviews_left": 2}


class Moderation:
    name = "moderation"
    health = health_rpc()

    @rpc
    def customer_stats(self, customer_id):
        return {"complaints_from_sellers": 1}


class Shipping:
    name = "shipping"
    health = health_rpc()


class Payments:
    name = "payments"
    health = health_rpc()


class Notifications:
    name = "notifications"
    health = health_rpc()
