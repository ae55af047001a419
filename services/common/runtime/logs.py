"""Service logs as JSON lines, like the gateway's, each carrying the request id the worker was
called with and the correlation id of the event it is handling.

`deploy/nameko.yaml` formats every record with `formatter()` and adds `ContextFilter`; the
`LogContext` dependency (part of every `UnitOfWorkProvider`) remembers, per greenthread, the ids of
the worker running there, and the event handler sets each event's own correlation id as it takes
effect (a batch of events keeps each event's own).
"""

from __future__ import annotations

import logging

from eventlet.corolocal import local
from pythonjsonlogger.json import JsonFormatter

FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"

_current = local()


def bind(request_id: str | None = None, correlation_id: str | None = None) -> None:
    _current.request_id = request_id
    _current.correlation_id = correlation_id or request_id


def set_correlation(correlation_id: str | None) -> None:
    _current.correlation_id = correlation_id


def clear() -> None:
    _current.__dict__.clear()


class ContextFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = getattr(_current, "request_id", None)
        if not hasattr(record, "correlation_id"):
            record.correlation_id = getattr(_current, "correlation_id", None)
        return True


def formatter() -> logging.Formatter:
    return JsonFormatter(FORMAT, rename_fields={"asctime": "time", "levelname": "level",
                                                "name": "logger"})
