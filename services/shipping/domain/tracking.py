"""Tracking numbers, tracking links and shipment statuses.

Tracking numbers are normalised before they are checked or stored: every space removed (sellers
paste "RA 123 456 789 RU"), letters upper-cased. Then per carrier:
- CDEK: 10 digits;
- Russian Post: 14 digits (domestic) or the international S10 form `AA123456789RU` (2 letters,
  9 digits, 2 letters; the S10 check digit is not verified, the carrier's own site does that);
- a pickup (the buyer collects it from the shop): none at all, it is handed over in person;
- every other carrier: 4–40 characters of A–Z, 0–9 and "-".
Only Russian Post and CDEK have tracking links (the platform integrates these two, seed 003).

Shipment statuses follow the carrier: `created` → `in_transit` → `delivered`, or `returned` /
`lost`. `delivered` and `returned` are final. A `lost` parcel can still turn up (in transit again,
delivered or returned). A carrier report that would move a shipment back (e.g. `created` after
`in_transit`) or out of a final status is stale or out of order: it is ignored, not an error,
since carriers resend and reorder their events. A repeat of the current status is no change.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, TypeVar

from .errors import InvalidTrackingNumber, UnknownShipmentStatus
from .methods import Carrier

E = TypeVar("E", bound=StrEnum)

_CDEK = re.compile(r"^\d{10}$")
_RUSSIAN_POST_DOMESTIC = re.compile(r"^\d{14}$")
_RUSSIAN_POST_INTERNATIONAL = re.compile(r"^[A-Z]{2}\d{9}[A-Z]{2}$")
_GENERIC = re.compile(r"^[A-Z0-9-]{4,40}$")

_FORMS = {
    Carrier.CDEK: "A CDEK tracking number is 10 digits, e.g. 1234567890.",
    Carrier.RUSSIAN_POST: (
        "A Russian Post tracking number is 14 digits (e.g. 12345678901234) "
        "or 2 letters, 9 digits and 2 letters (e.g. RA123456789RU)."
    ),
}
_GENERIC_FORM = "A tracking number is 4 to 40 letters, digits or hyphens."
_NO_TRACKING = "A pickup is handed over in person: it has no tracking number."

_TRACKING_URLS = {
    Carrier.RUSSIAN_POST: "https://www.pochta.ru/tracking?barcode={number}",
    Carrier.CDEK: "https://www.cdek.ru/ru/tracking?order_id={number}",
}


# Fixed forever: changing it would give a retried command's shipment another id.
SHIPMENT_NAMESPACE = uuid.UUID("5b0f7a52-3c1e-4a8e-9d7b-6f2b8f1e0c43")


def shipment_id_for(order_id: str, caller_id: str | None, command_id: str | None) -> str:
    """The id of the shipment a command adds to an order: the same for every repeat of the same
    command (caller and request id), so the orders service, which takes the shipment first, and
    shipping hold it under one id even when a retry follows a failure between the two; a new id
    for a call that carries no command id."""
    if not command_id:
        return str(uuid.uuid4())
    return str(uuid.uuid5(SHIPMENT_NAMESPACE, f"{str(order_id).lower()}:{caller_id or ''}:"
                                              f"{command_id}"))


def _carrier(carrier: Carrier | str) -> Carrier:
    return _one_of(Carrier, carrier, lambda known: InvalidTrackingNumber(
        "Unknown carrier.", errors={"carrier": f"Unknown carrier; use one of {known}."}))


def _one_of(kind: type[E], value: object, refused: Callable[[str], Exception]) -> E:
    """`value` as a member of the enum `kind`; otherwise `refused(the values known)` is raised."""
    try:
        return kind(value)
    except ValueError:
        raise refused(", ".join(item.value for item in kind)) from None


def normalise_tracking_number(number: str) -> str:
    """Spaces removed (all whitespace, inside too), letters upper-cased."""
    return "".join(number.split()).upper()


def is_valid_tracking_number(carrier: Carrier | str, number: str) -> bool:
    """Whether the (already normalised) number has the carrier's form."""
    carrier = _carrier(carrier)
    if carrier is Carrier.CDEK:
        return bool(_CDEK.match(number))
    if carrier is Carrier.RUSSIAN_POST:
        domestic = _RUSSIAN_POST_DOMESTIC.match(number)
        return bool(domestic or _RUSSIAN_POST_INTERNATIONAL.match(number))
    if carrier is Carrier.PICKUP:
        return False
    return bool(_GENERIC.match(number))


def validate_tracking_number(carrier: Carrier | str, number: Any) -> str:
    """The normalised tracking number; raises InvalidTrackingNumber with the carrier's form."""
    carrier = _carrier(carrier)
    if carrier is Carrier.PICKUP:
        raise InvalidTrackingNumber(_NO_TRACKING, errors={"tracking_number": _NO_TRACKING})
    form = _FORMS.get(carrier, _GENERIC_FORM)
    if not isinstance(number, str):
        raise InvalidTrackingNumber(form, errors={"tracking_number": form})
    normalised = normalise_tracking_number(number)
    if not is_valid_tracking_number(carrier, normalised):
        raise InvalidTrackingNumber(form, errors={"tracking_number": form})
    return normalised


def validate_optional_tracking_number(carrier: Carrier | str, number: Any) -> str | None:
    """As validate_tracking_number, but None or a blank string means "no track yet"."""
    if number is None or (isinstance(number, str) and not number.strip()):
        _carrier(carrier)
        return None
    return validate_tracking_number(carrier, number)


def tracking_url(carrier: Carrier | str, number: str | None) -> str | None:
    """The carrier's public tracking page for the number; None for other carriers or no number."""
    template = _TRACKING_URLS.get(_carrier(carrier))
    if template is None or not number:
        return None
    return template.format(number=normalise_tracking_number(number))


class ShipmentStatus(StrEnum):
    CREATED = "created"  # the seller has handed over, or is about to; no carrier news yet
    IN_TRANSIT = "in_transit"  # the carrier has it
    DELIVERED = "delivered"  # final: handed to the buyer
    RETURNED = "returned"  # final: came back to the seller
    LOST = "lost"  # the carrier reports it lost; may still turn up


FINAL_STATUSES = frozenset({ShipmentStatus.DELIVERED, ShipmentStatus.RETURNED})

# The moves a carrier's report may make; anything else is ignored.
CARRIER_TRANSITIONS: dict[ShipmentStatus, frozenset[ShipmentStatus]] = {
    ShipmentStatus.CREATED: frozenset(
        {
            ShipmentStatus.IN_TRANSIT,
            ShipmentStatus.DELIVERED,
            ShipmentStatus.RETURNED,
            ShipmentStatus.LOST,
        }
    ),
    ShipmentStatus.IN_TRANSIT: frozenset(
        {ShipmentStatus.DELIVERED, ShipmentStatus.RETURNED, ShipmentStatus.LOST}
    ),
    ShipmentStatus.LOST: frozenset(
        {ShipmentStatus.IN_TRANSIT, ShipmentStatus.DELIVERED, ShipmentStatus.RETURNED}
    ),
    ShipmentStatus.DELIVERED: frozenset(),
    ShipmentStatus.RETURNED: frozenset(),
}


def parse_shipment_status(value: ShipmentStatus | str) -> ShipmentStatus:
    return _one_of(ShipmentStatus, value, lambda known: UnknownShipmentStatus(
        f"Unknown shipment status {value!r}.", errors={"status": f"Must be one of {known}."}))


@dataclass(frozen=True, slots=True)
class StatusUpdate:
    """The shipment's status after a carrier report, and whether that report changed it."""

    status: ShipmentStatus
    changed: bool
    previous: ShipmentStatus


def can_carrier_move(current: ShipmentStatus | str, reported: ShipmentStatus | str) -> bool:
    """Whether a carrier report of `reported` may move a shipment out of `current`."""
    return parse_shipment_status(reported) in CARRIER_TRANSITIONS[parse_shipment_status(current)]


def apply_carrier_status(
    current: ShipmentStatus | str, reported: ShipmentStatus | str
) -> StatusUpdate:
    """What a carrier's report does to a shipment: `changed` is True only for an allowed move.

    The same status again, a step back, or anything after delivered/returned leaves it as it is
    (`changed` False): the caller records `shipment.status_changed` only when `changed`.
    Raises UnknownShipmentStatus for a status we do not know.
    """
    now, news = parse_shipment_status(current), parse_shipment_status(reported)
    if news in CARRIER_TRANSITIONS[now]:
        return StatusUpdate(status=news, changed=True, previous=now)
    return StatusUpdate(status=now, changed=False, previous=now)
