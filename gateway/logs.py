"""Structured JSON logs: one object per line, each carrying the request id of the request it is in.

Request bodies are never logged, so passwords cannot reach the logs; the access line names the
method, path, route, status, duration and user id.
"""

from __future__ import annotations

import logging
import sys

from flask import g, has_request_context
from pythonjsonlogger.json import JsonFormatter

FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = g.get("request_id") if has_request_context() else None
        return True


def formatter() -> logging.Formatter:
    return JsonFormatter(FORMAT, rename_fields={"asctime": "time", "levelname": "level",
                                                "name": "logger"})


def configure(level: str = "INFO") -> None:
    """Send the `gateway` loggers to stderr as JSON (once per process)."""
    logger = logging.getLogger("gateway")
    if any(getattr(h, "_gateway_json", False) for h in logger.handlers):
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(formatter())
    handler.addFilter(RequestIdFilter())
    handler._gateway_json = True  # type: ignore[attr-defined]
    logger.addHandler(handler)
    logger.setLevel(level.upper())
    logger.propagate = False
