"""Small real Nameko services standing in for the platform's services in the gateway's tests.

Each answers `health` like a real service; `gwprobe` raises the kernel's typed errors on demand and
echoes the context data the gateway sent. Run with `nameko run --broker URI <this module>[:Class]`.
"""

from __future__ import annotations

import time

from nameko.extensions import DependencyProvider
from nameko.rpc import rpc

from services.common.errors import Conflict, Forbidden, Invalid, NotFound


class ContextData(DependencyProvider):
    def get_dependency(self, worker_ctx):
        return worker_ctx.context_data


class _Healthy:
    name = "unnamed"

    @rpc
    def health(self):
        return {"service": self.name, "status": "ok"}


class Probe(_Healthy):
    name = "gwprobe"
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
        time.sleep(seconds)
        return "done"


class Catalog(_Healthy):
    name = "catalog"

    @rpc
    def seller_shop(self, seller_id):
        return {"shop_id": None}


class Orders(_Healthy):
    name = "orders"

    @rpc
    def customer_stats(self, customer_id):
        return {"orders_closed": 3, "orders_cancelled": 1, "reviews_left": 2}


class Moderation(_Healthy):
    name = "moderation"

    @rpc
    def customer_stats(self, customer_id):
        return {"complaints_from_sellers": 1}


class Shipping(_Healthy):
    name = "shipping"


class Payments(_Healthy):
    name = "payments"


class Notifications(_Healthy):
    name = "notifications"
