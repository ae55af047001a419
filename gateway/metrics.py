"""Prometheus metrics: request count and latency per route.

Under gunicorn each worker is a process, so `gunicorn.conf.py` sets `PROMETHEUS_MULTIPROC_DIR` before
any worker starts and `/metrics` aggregates every worker's files (prometheus-client's multiprocess
mode). Without that variable (tests, `flask run`) the process's own registry is served.
"""

from __future__ import annotations

import os

from flask import Response
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)

REQUESTS = Counter(
    "gateway_http_requests_total", "HTTP requests answered", ["method", "route", "status"]
)
LATENCY = Histogram(
    "gateway_http_request_duration_seconds", "Time to answer an HTTP request", ["method", "route"],
    buckets=(0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
RPC_FAILURES = Counter(
    "gateway_rpc_unavailable_total", "Service calls answered 503 (service down or too slow)",
    ["service"],
)

CATALOG_CACHE = Counter(
    "gateway_catalog_cache_total",
    "Public catalog reads by how the edge cache answered: hit, miss (read and kept if it may be) "
    "or bypass (a private caller, or the cache not listening for changes)",
    ["kind", "result"],
)


def observe(method: str, route: str, status: int, seconds: float) -> None:
    REQUESTS.labels(method, route, str(status)).inc()
    LATENCY.labels(method, route).observe(seconds)


def exposition() -> Response:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = REGISTRY
    return Response(generate_latest(registry), content_type=CONTENT_TYPE_LATEST)
