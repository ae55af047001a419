"""CDEK tracking, through the JSON API described in `json_api`.

Besides our own words the adapter reads CDEK's: "accepted" (the order is registered, nothing
handed over), and "ready_for_pickup" at the pickup point (still in transit until the buyer takes it).
"""

from __future__ import annotations

from . import json_api

CARRIER = "cdek"

STATUSES = {
    "created": "created",
    "accepted": "created",
    "in_transit": "in_transit",
    "ready_for_pickup": "in_transit",
    "delivered": "delivered",
    "returned": "returned",
    "lost": "lost",
}


def fetch(base_url: str, number: str, timeout: float) -> json_api.TrackingReport | None:
    return json_api.fetch(base_url, number, timeout, STATUSES)
