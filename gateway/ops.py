"""Operations: liveness, readiness (broker and every service answer `health`), metrics."""

from __future__ import annotations

import marshmallow as ma
from flask import current_app
from marshmallow import fields, validate

from . import metrics
from .api import Blueprint
from .rpc.errors import RemoteError, ServiceUnavailable

blp = Blueprint("operations", __name__, description="Liveness, readiness and metrics")

STATE = validate.OneOf(["ok", "down"])


class HealthSchema(ma.Schema):
    status = fields.String(required=True, validate=validate.Equal("ok"))


class ReadySchema(ma.Schema):
    broker = fields.String(required=True, validate=STATE)
    services = fields.Dict(keys=fields.String(), values=fields.String(validate=STATE),
                           required=True)


@blp.route("/health", methods=["GET"])
@blp.response(200, HealthSchema)
def health():
    """200 while the gateway process answers."""
    return {"status": "ok"}


@blp.route("/ready", methods=["GET"])
@blp.response(200, ReadySchema)
@blp.alt_response(503, schema=ReadySchema, description="Something is down; it is named")
def ready():
    """200 when the broker and every service answer `health` within a short timeout."""
    settings = current_app.config["GATEWAY"]
    client = current_app.extensions["gateway_rpc"]
    context = {"request_id": _request_id()}
    pending, states = {}, {}
    for name in settings.services:
        try:
            pending[name] = client.call_async(
                name, "health", context=context, timeout=settings.ready_timeout_seconds
            )
        except ServiceUnavailable:
            states[name] = "down"
    for name, reply in pending.items():
        try:
            answer = reply.result()
            states[name] = "ok" if (answer or {}).get("status") == "ok" else "down"
        except (ServiceUnavailable, RemoteError):
            states[name] = "down"
    broker = "ok" if client.broker_reachable() else "down"
    body = {"broker": broker, "services": {name: states[name] for name in settings.services}}
    ok = broker == "ok" and all(state == "ok" for state in states.values())
    return body, 200 if ok else 503


@blp.route("/metrics", methods=["GET"])
@blp.doc(responses={"200": {"description": "Prometheus text format",
                            "content": {"text/plain": {"schema": {"type": "string"}}}}})
def prometheus_metrics():
    """Request counts and latencies per route (Prometheus text format)."""
    return metrics.exposition()


def _request_id():
    from flask import g

    return g.get("request_id")
