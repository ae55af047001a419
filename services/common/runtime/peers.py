"""Calling another service: one port per peer, every call bounded by a timeout.

    catalog = Peer(self.catalog_rpc, "catalog")
    lines = catalog.call("quote_lines", wanted)["lines"]

A service wraps each peer in a `Port`, one method per call it makes, and hands its actions the
ports as `uow.peers` (`UnitOfWorkProvider(peers=...)`, made from the service's RPC proxies).

A peer's typed errors come back as the kernel's (`NotFound`, `Forbidden`, `Invalid`, `Conflict`,
`Unavailable`) with their detail, code and per-field errors: every service sends its own subclasses
as those five (`services.common.runtime.rpc`). A peer that is not running, or does not answer within
the timeout, is `Unavailable` (the gateway answers 503; an event handler retries later).

A call waits on the broker: never make one inside an open transaction.
"""

from __future__ import annotations

from typing import Any

import eventlet
from nameko.exceptions import UnknownService

from ..errors import BASE_ERRORS, ServiceError, Unavailable
from ..settings import env

_KINDS: dict[str, type[ServiceError]] = {cls.__name__: cls for cls in BASE_ERRORS}


def rpc_timeout_seconds() -> float:
    """How long a service waits for another (`RPC_TIMEOUT_SECONDS`, default 20)."""
    return env().float("RPC_TIMEOUT_SECONDS", 20.0)


class Peer:
    def __init__(self, proxy, service: str, timeout: float | None = None):
        self.proxy = proxy
        self.service = service
        self.timeout = timeout

    def call(self, method: str, *args: Any, **kwargs: Any) -> Any:
        try:
            reply = getattr(self.proxy, method).call_async(*args, **kwargs)
        except UnknownService as exc:
            raise Unavailable(f"The {self.service} service is not running.",
                              errors={"service": [self.service]}) from exc
        try:
            with eventlet.Timeout(self.timeout or rpc_timeout_seconds()):
                body = reply.reply_event.wait()
        except eventlet.Timeout as exc:
            raise Unavailable(f"The {self.service} service did not answer in time.",
                              errors={"service": [self.service]}) from exc
        error = body.get("error")
        if error:
            raise typed_error(error)
        return body.get("result")


class Port:
    """One peer service as the caller needs it: a subclass has a method per call it makes, each
    through `self.peer`."""

    def __init__(self, peer: Peer):
        self.peer = peer


def typed_error(error: dict[str, Any]) -> Exception:
    """A serialized remote error as the kernel's typed error; anything else as a RuntimeError."""
    exc_type = error.get("exc_type") or ""
    kind = _KINDS.get(exc_type)
    args = list(error.get("exc_args") or [])
    if kind is None:
        return RuntimeError(f"{exc_type}: {error.get('value')}")
    detail = str(args[0]) if args else str(error.get("value") or exc_type)
    code = args[1] if len(args) > 1 and isinstance(args[1], str) else None
    errors = args[2] if len(args) > 2 and isinstance(args[2], dict) else None
    return kind(detail, code, errors)
