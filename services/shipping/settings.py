"""The shipping service's settings, read from the environment when a worker sets itself up.

| variable | default | meaning |
| --- | --- | --- |
| `SHIPPING_TRACKING_POLL_SECONDS` | 300 | seconds between tracking polls (a fraction is fine) |
| `SHIPPING_TRACKING_BATCH` | 50 | shipments one poll takes at most |
| `SHIPPING_CARRIER_API_URL_<CARRIER>` | unset | tracking API (`_RUSSIAN_POST`, `_CDEK`); unset: no polls |
| `SHIPPING_CARRIER_TIMEOUT_SECONDS` | 5 | connect and read timeout of one call to a carrier |
| `SHIPPING_DETAILS_DAYS` | 7 | days after confirmation within which the seller gives shipping details |
| `SHIPPING_OVERDUE_CHECK_SECONDS` | 300 | how often the shipping-overdue job looks for late orders |
"""

from __future__ import annotations

from services.common import settings


def tracking_poll_seconds() -> float:
    return _positive_float("SHIPPING_TRACKING_POLL_SECONDS", 300.0)


def tracking_batch() -> int:
    return max(settings.env().int("SHIPPING_TRACKING_BATCH", 50), 1)


def carrier_api_url(carrier: str) -> str | None:
    """The base URL of `carrier`'s tracking API, or None when it is not configured."""
    url = settings.env().str(f"SHIPPING_CARRIER_API_URL_{carrier.upper()}", "").strip()
    return url.rstrip("/") or None


def carrier_timeout_seconds() -> float:
    return _positive_float("SHIPPING_CARRIER_TIMEOUT_SECONDS", 5.0)


def shipping_details_days() -> int:
    days = settings.env().int("SHIPPING_DETAILS_DAYS", 7)
    if days < 1:
        raise ValueError("SHIPPING_DETAILS_DAYS must be at least 1")
    return days


def overdue_check_seconds() -> float:
    return _positive_float("SHIPPING_OVERDUE_CHECK_SECONDS", 300.0)


def _positive_float(name: str, default: float) -> float:
    value = settings.env().float(name, default)
    if value <= 0:
        raise ValueError(f"{name} must be a positive number of seconds")
    return value
