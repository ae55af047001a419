"""Russian Post tracking, through the JSON API described in `json_api`.

Besides our own words the adapter reads Russian Post's usual ones: a parcel "accepted" at the
post office has not moved yet; "arrived" at the buyer's office is still on its way until handed
over ("delivered"); "returned_to_sender" is returned.
"""

from __future__ import annotations

from . import json_api

CARRIER = "russian_post"

STATUSES = {
    "created": "created",
    "accepted": "created",
    "in_transit": "in_transit",
    "arrived": "in_transit",
    "delivered": "delivered",
    "returned": "returned",
    "returned_to_sender": "returned",
    "lost": "lost",
}


def fetch(base_url: str, number: str, timeout: float) -> json_api.TrackingReport | None:
    return json_api.fetch(base_url, number, timeout, STATUSES)
