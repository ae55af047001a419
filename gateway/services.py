"""Calling the platform's services from a view: the caller's identity and request id ride along."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from flask import current_app

from . import auth, metrics
from .rpc.client import PendingReply, RpcClient
from .rpc.errors import ServiceUnavailable


def as_json(value: Any) -> Any:
    """A body loaded by marshmallow, as services take it over RPC: UUIDs and dates as text, at any
    depth."""
    if isinstance(value, dict):
        return {key: as_json(item) for key, item in value.items()}
    if isinstance(value, list):
        return [as_json(item) for item in value]
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def client() -> RpcClient:
    return current_app.extensions["gateway_rpc"]


def call(service: str, method: str, *args, timeout: float | None = None, **kwargs) -> Any:
    return result(start(service, method, *args, timeout=timeout, **kwargs))


def start(service: str, method: str, *args, timeout: float | None = None, **kwargs) -> PendingReply:
    """Send a call now and read it later, to ask several services at once."""
    try:
        return client().call_async(
            service, method, *args, context=auth.rpc_context(), timeout=timeout, **kwargs
        )
    except ServiceUnavailable:
        metrics.RPC_FAILURES.labels(service).inc()
        raise


def result(pending: PendingReply) -> Any:
    try:
        return pending.result()
    except ServiceUnavailable:
        metrics.RPC_FAILURES.labels(pending.service).inc()
        raise
