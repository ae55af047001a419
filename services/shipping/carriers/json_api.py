"""The small JSON tracking API the carrier adapters speak.

    GET {base_url}/tracking/{number}
    200 {"number": "RA123456789RU", "status": "in_transit",
         "events": [{"at": "2026-05-01T10:00:00+00:00", "status": "in_transit",
                     "description": "Left the sorting centre"}]}
    404 the carrier does not know the number (yet)

`status` is the carrier's word for where the parcel is; each adapter maps its words to ours
(created, in_transit, delivered, returned, lost). Anything else — a timeout, a refused connection,
a 5xx, a body that is not this shape — is `CarrierUnavailable`: the poller tries again later.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import quote

import requests

MAX_NOTE = 300


class CarrierUnavailable(Exception):
    """The carrier's API did not give a usable answer this time."""


@dataclass(frozen=True, slots=True)
class TrackingReport:
    number: str
    status: str  # our word: created, in_transit, delivered, returned, lost (or unknown to us)
    note: str | None = None  # the carrier's latest event, for the shipment's history


def fetch(
    base_url: str, number: str, timeout: float, statuses: Mapping[str, str]
) -> TrackingReport | None:
    """Ask the API about `number`; `statuses` maps the carrier's words to ours."""
    url = f"{base_url}/tracking/{quote(number, safe='')}"
    try:
        response = requests.get(url, timeout=timeout, headers={"Accept": "application/json"})
    except requests.RequestException as exc:
        raise CarrierUnavailable(f"{url}: {exc}") from exc
    if response.status_code == 404:
        return None
    if response.status_code != 200:
        raise CarrierUnavailable(f"{url}: HTTP {response.status_code}")
    try:
        body = response.json()
    except ValueError as exc:
        raise CarrierUnavailable(f"{url}: not JSON") from exc
    if not isinstance(body, dict) or not isinstance(body.get("status"), str):
        raise CarrierUnavailable(f"{url}: no status in the answer")
    word = body["status"].strip().lower()
    return TrackingReport(number=number, status=statuses.get(word, word), note=_latest_note(body))


def _latest_note(body: dict) -> str | None:
    events = body.get("events")
    if not isinstance(events, list) or not events or not isinstance(events[-1], dict):
        return None
    description = events[-1].get("description")
    if not isinstance(description, str) or not description.strip():
        return None
    return description.strip()[:MAX_NOTE]
