"""What every carrier adapter returns or raises.

An adapter asks its carrier about one tracking number and answers with a `TrackingReport` (the
carrier's latest news in our words), None when the carrier has nothing on the number yet, or raises
`CarrierUnavailable`: a timeout, a refused connection, a 5xx, an answer that is not the carrier's
documented shape. `CarrierRefused` is the kind of unavailable that needs an operator: the carrier
refused our credentials. Either way the poller logs it and asks again at the next poll.
"""

from __future__ import annotations

from dataclasses import dataclass

MAX_NOTE = 300


class CarrierUnavailable(Exception):
    """The carrier's API did not give a usable answer this time."""


class CarrierRefused(CarrierUnavailable):
    """The carrier refused our credentials (wrong client id/secret or login/password)."""


@dataclass(frozen=True, slots=True)
class TrackingReport:
    number: str
    status: str  # our word: created, in_transit, delivered, returned, lost
    note: str | None = None  # the carrier's own words for its latest event, for the history


def note(*parts: object) -> str | None:
    """The non-blank parts joined with ", ", cut to MAX_NOTE characters; None when all are blank."""
    words = [str(part).strip() for part in parts if part is not None and str(part).strip()]
    return ", ".join(words)[:MAX_NOTE] or None
