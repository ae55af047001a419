"""Typed errors of the shipping rules.

All are `Invalid` (the gateway answers 422), except `OrderNotShippable` (a refused move, 409).
`errors` maps a field path to one message; paths are dotted, list positions are numbers:
`rate.tiers.1.from`, `destinations.0.country`, `weight_limit_grams.max`, `lines.2.quantity`.
"""

from __future__ import annotations

from services.common.errors import Conflict, Invalid


class InvalidDeliveryMethod(Invalid):
    """A delivery method (or a change to one) that breaks a rule."""

    code = "invalid_delivery_method"


class UniversalMethodLocked(Invalid):
    """Universal methods can only be switched on or off."""

    code = "universal_method_locked"


class InvalidDestination(Invalid):
    """A buyer's destination without a valid country."""

    code = "invalid_destination"


class InvalidParcel(Invalid):
    """Order lines that cannot be quoted: no lines, bad quantities or weights, bad item total."""

    code = "invalid_parcel"


class MethodNotAvailable(Invalid):
    """The chosen method is switched off or does not fit the destination or the parcel.

    `reason` names why: disabled, destination, weight_limit or weight_unknown.
    """

    code = "delivery_method_not_available"
    reason: object = None


class InvalidTrackingNumber(Invalid):
    """A tracking number that does not have the carrier's form."""

    code = "invalid_tracking_number"


class UnknownShipmentStatus(Invalid):
    """A carrier reported a status we do not know."""

    code = "unknown_shipment_status"


class InvalidDeadline(Invalid):
    """A shipping deadline configured with a non-positive or non-integer number of days."""

    code = "invalid_deadline"


class OrderNotShippable(Conflict):
    """A track for an order that is not paid yet, or is past shipping."""

    code = "wrong_state"


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
