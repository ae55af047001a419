"""Typed errors of the shipping rules.

All are `Invalid` (the gateway answers 422), except `OrderNotShippable` (a refused move, 409).
`errors` maps a field path to one message; paths are dotted, list positions are numbers:
`rate.tiers.1.from`, `destinations.0.country`, `weight_limit_grams.max`, `lines.2.quantity`.
"""

from __future__ import annotations

from services.common.errors import Conflict, Invalid


class InvalidDeliveryMethod(Invalid, code="invalid_delivery_method"):
    """A delivery method (or a change to one) that breaks a rule."""


class UniversalMethodLocked(Invalid, code="universal_method_locked"):
    """Universal methods can only be switched on or off."""


class InvalidDestination(Invalid, code="invalid_destination"):
    """A buyer's destination without a valid country."""


class InvalidParcel(Invalid, code="invalid_parcel"):
    """Order lines that cannot be quoted: no lines, bad quantities or weights, bad item total."""


class MethodNotAvailable(Invalid, code="delivery_method_not_available"):
    """The chosen method is switched off or does not fit the destination or the parcel.

    `reason` names why: disabled, destination, weight_limit or weight_unknown.
    """

    reason: object = None


class InvalidTrackingNumber(Invalid, code="invalid_tracking_number"):
    """A tracking number that does not have the carrier's form."""


class UnknownShipmentStatus(Invalid, code="unknown_shipment_status"):
    """A carrier reported a status we do not know."""


class InvalidDeadline(Invalid, code="invalid_deadline"):
    """A shipping deadline configured with a non-positive or non-integer number of days."""


class OrderNotShippable(Conflict, code="wrong_state"):
    """A track for an order that is not paid yet, or is past shipping."""


class ErrorCollector:
    """Collects per-field messages so one refusal names every broken field at once."""

    def __init__(self) -> None:
        self.errors: dict[str, str] = {}

    def add(self, path: str, message: str) -> None:
        self.errors.setdefault(path, message)

    def __bool__(self) -> bool:
        return bool(self.errors)

    def raise_if_any(self, error_cls: type[Invalid], detail: str) -> None:
        if self.errors:
            raise error_cls(detail, errors=dict(self.errors))
