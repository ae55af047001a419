"""Delivery methods as data, read and checked from the API's shape.

A method: `{name, carrier, destinations?, weight_limit_grams?: {min, max}, free_delivery_applies?,
rate: {basis, tiers | base + percent_per_extra_item}, delivery_days?, enabled?, pickup?: {address,
hours}}`.

Pickup ("самовывоз", seed 000: the seller "prepares the goods for pickup"): carrier `pickup`, the
shop's `pickup: {address, hours}` (both required for that carrier, refused for every other one),
a `fixed` rate only (0 when the rate is left out: picking up usually costs nothing); weight limits
and destinations are allowed but not needed. A pickup is not tracked: its shipment is the seller
marking the order handed over, with no tracking number.

Decisions where the API is silent:
- `weight_limit_grams` may leave out `min` (0) or `max` (no upper bound); both inclusive.
- `delivery_days` is a whole number of days 0..365, or absent.
- `name` is trimmed and 1..100 characters.
- Universal methods (see `universal.py`) have no rate: the seller quotes after the order. Only their
  `enabled` flag can change.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any

from .destinations import DestinationRule, parse_destination_rules
from .errors import ErrorCollector, InvalidDeliveryMethod, UniversalMethodLocked
from .rates import Basis, Rate, Tier, is_int, parse_rate

MAX_NAME = 100
MAX_DELIVERY_DAYS = 365
MAX_PICKUP_ADDRESS = 300
MAX_PICKUP_HOURS = 200
# The fields a seller may send for a method; `id`, `universal` and `cost` are ours.
EDITABLE_FIELDS = frozenset(
    {
        "name",
        "carrier",
        "destinations",
        "weight_limit_grams",
        "free_delivery_applies",
        "rate",
        "delivery_days",
        "enabled",
        "pickup",
    }
)


class Carrier(StrEnum):
    RUSSIAN_POST = "russian_post"
    CDEK = "cdek"
    COURIER = "courier"
    PEK = "pek"
    BOXBERRY = "boxberry"
    OTHER = "other"
    PICKUP = "pickup"  # the buyer collects it from the shop: no parcel, no tracking


@dataclass(frozen=True, slots=True)
class PickupPoint:
    """Where and when the buyer collects a pickup order (free text, shown as the seller wrote it)."""

    address: str
    hours: str

    def to_dict(self) -> dict[str, str]:
        return {"address": self.address, "hours": self.hours}


@dataclass(frozen=True, slots=True)
class WeightLimit:
    """Inclusive bounds in grams on the parcel's real weight; `max` None = no upper bound."""

    min: int = 0
    max: int | None = None

    def allows(self, grams: int) -> bool:
        return self.min <= grams and (self.max is None or grams <= self.max)

    @property
    def is_unbounded(self) -> bool:
        return self.min == 0 and self.max is None

    def to_dict(self) -> dict[str, int | None]:
        return {"min": self.min, "max": self.max}


@dataclass(frozen=True, slots=True)
class DeliveryMethod:
    id: str
    name: str
    carrier: Carrier
    rate: Rate | None
    destinations: tuple[DestinationRule, ...] = ()
    weight_limit: WeightLimit | None = None
    free_delivery_applies: bool = True
    delivery_days: int | None = None
    enabled: bool = True
    universal: bool = False
    pickup: PickupPoint | None = None

    @property
    def depends_on_weight(self) -> bool:
        """True when the parcel's weight decides whether it fits or what it costs."""
        limited = self.weight_limit is not None and not self.weight_limit.is_unbounded
        return limited or (self.rate is not None and self.rate.uses_weight)

    def to_dict(self) -> dict[str, Any]:
        """The API shape; universal methods add `cost: None` (the seller quotes after the order)."""
        out = {
            "id": self.id,
            "name": self.name,
            "carrier": self.carrier.value,
            "destinations": [rule.to_dict() for rule in self.destinations],
            "weight_limit_grams": self.weight_limit.to_dict() if self.weight_limit else None,
            "free_delivery_applies": self.free_delivery_applies,
            "rate": self.rate.to_dict() if self.rate else None,
            "delivery_days": self.delivery_days,
            "enabled": self.enabled,
            "universal": self.universal,
        }
        if self.universal:
            out["cost"] = None
        if self.pickup is not None:
            out["pickup"] = self.pickup.to_dict()
        return out


def _parse_weight_limit(value: Any, errors: ErrorCollector) -> WeightLimit | None:
    path = "weight_limit_grams"
    if value is None:
        return None
    if isinstance(value, WeightLimit):
        value = value.to_dict()
    if not isinstance(value, Mapping):
        errors.add(path, "Must be an object {min, max} in grams.")
        return None
    low, high = value.get("min"), value.get("max")
    ok = True
    for key, bound in (("min", low), ("max", high)):
        if bound is None:
            continue
        if not is_int(bound):
            errors.add(f"{path}.{key}", "Must be a whole number of grams, e.g. 19000.")
            ok = False
        elif bound < 0:
            errors.add(f"{path}.{key}", "Must not be negative.")
            ok = False
    if not ok:
        return None
    low = 0 if low is None else low
    if high is not None and low > high:
        errors.add(f"{path}.max", f"Must not be less than min ({low}).")
        return None
    return WeightLimit(low, high)


def _parse_name(value: Any, errors: ErrorCollector) -> str:
    if not isinstance(value, str) or not value.strip():
        errors.add("name", 'Give the method a name, e.g. "Russian Post across Russia".')
        return ""
    name = " ".join(value.split())
    if len(name) > MAX_NAME:
        errors.add("name", f"Must be at most {MAX_NAME} characters.")
    return name


def _parse_carrier(value: Any, errors: ErrorCollector) -> Carrier | None:
    try:
        return Carrier(value)
    except ValueError:
        known = ", ".join(carrier.value for carrier in Carrier)
        errors.add("carrier", f"Unknown carrier; use one of {known}.")
        return None


def _parse_bool(value: Any, path: str, default: bool, errors: ErrorCollector) -> bool:
    if value is None:
        return default
    if not isinstance(value, bool):
        errors.add(path, "Must be true or false.")
        return default
    return value


def _pickup_text(value: Any, path: str, limit: int, example: str,
                 errors: ErrorCollector) -> str | None:
    if not isinstance(value, str) or not value.strip():
        errors.add(path, f"Required for a pickup, e.g. {example}.")
        return None
    text = " ".join(value.split())
    if len(text) > limit:
        errors.add(path, f"Must be at most {limit} characters.")
        return None
    return text


def _parse_pickup(value: Any, carrier: Carrier | None,
                  errors: ErrorCollector) -> PickupPoint | None:
    if carrier is not Carrier.PICKUP:
        if value is not None:
            errors.add("pickup", "Only a pickup method (carrier pickup) has a pickup address.")
        return None
    if isinstance(value, PickupPoint):
        return value
    if not isinstance(value, Mapping):
        errors.add("pickup", "A pickup method needs the shop's {address, hours}.")
        return None
    address = _pickup_text(value.get("address"), "pickup.address", MAX_PICKUP_ADDRESS,
                           '"Moscow, Tverskaya 1, studio 5"', errors)
    hours = _pickup_text(value.get("hours"), "pickup.hours", MAX_PICKUP_HOURS,
                         '"Mon–Fri 10:00–19:00"', errors)
    if address is None or hours is None:
        return None
    return PickupPoint(address, hours)


def _parse_delivery_days(value: Any, errors: ErrorCollector) -> int | None:
    if value is None:
        return None
    if not is_int(value) or not 0 <= value <= MAX_DELIVERY_DAYS:
        errors.add(
            "delivery_days", f"Must be a whole number of days from 0 to {MAX_DELIVERY_DAYS}."
        )
        return None
    return value


def parse_method(data: Mapping[str, Any], *, method_id: str) -> DeliveryMethod:
    """A seller's own method from the API's shape.

    Raises InvalidDeliveryMethod whose `errors` name every broken field.
    """
    if not isinstance(data, Mapping):
        raise InvalidDeliveryMethod("A delivery method must be an object.")
    errors = ErrorCollector()
    name = _parse_name(data.get("name"), errors)
    carrier = _parse_carrier(data.get("carrier"), errors)
    destinations = parse_destination_rules(data.get("destinations"), errors)
    weight_limit = _parse_weight_limit(data.get("weight_limit_grams"), errors)
    free = _parse_bool(data.get("free_delivery_applies"), "free_delivery_applies", True, errors)
    pickup = _parse_pickup(data.get("pickup"), carrier, errors)
    if data.get("rate") is None and carrier is Carrier.PICKUP:
        rate = Rate(Basis.FIXED, tiers=(Tier(0, 0),))  # collecting it costs nothing
    elif data.get("rate") is None:
        errors.add("rate", "Give a rate {basis, tiers}; e.g. fixed: [{from: 0, cost: 30000}].")
        rate = None
    else:
        rate = parse_rate(data.get("rate"), errors)
        if rate is not None and carrier is Carrier.PICKUP and rate.basis is not Basis.FIXED:
            errors.add("rate.basis", "A pickup has a fixed cost: 0 or an amount.")
    days = _parse_delivery_days(data.get("delivery_days"), errors)
    enabled = _parse_bool(data.get("enabled"), "enabled", True, errors)
    errors.raise_if_any(InvalidDeliveryMethod, "The delivery method is not valid.")
    assert carrier is not None
    return DeliveryMethod(
        id=method_id,
        name=name,
        carrier=carrier,
        rate=rate,
        destinations=destinations,
        weight_limit=weight_limit,
        free_delivery_applies=free,
        delivery_days=days,
        enabled=enabled,
        pickup=pickup,
    )


def patch_method(method: DeliveryMethod, changes: Mapping[str, Any]) -> DeliveryMethod:
    """The method with a partial change applied and the whole checked again.

    Universal methods accept only `enabled`; anything else raises UniversalMethodLocked. Keys we
    own (`id`, `universal`, `cost`) and unknown keys are refused rather than ignored, so a typo
    ("enable": false) is not mistaken for success. A key given as null resets the field to its
    default (no destinations, no weight limit, ...); `name`, `carrier` and `rate` cannot be null.
    """
    unknown = sorted(set(changes) - EDITABLE_FIELDS)
    if unknown:
        raise InvalidDeliveryMethod(
            "These fields cannot be changed.",
            errors={key: "Unknown or read-only field." for key in unknown},
        )
    if method.universal:
        locked = sorted(set(changes) - {"enabled"})
        if locked:
            message = "Fixed for universal methods; only enabled can change."
            raise UniversalMethodLocked(
                "A universal method can only be switched on or off.",
                errors={key: message for key in locked},
            )
        errors = ErrorCollector()
        enabled = _parse_bool(changes.get("enabled"), "enabled", method.enabled, errors)
        errors.raise_if_any(InvalidDeliveryMethod, "The delivery method is not valid.")
        return replace(method, enabled=enabled)
    merged = {key: value for key, value in method.to_dict().items() if key in EDITABLE_FIELDS}
    if changes.get("carrier", Carrier.PICKUP.value) != Carrier.PICKUP.value:
        merged.pop("pickup", None)  # a method that stops being a pickup leaves its address
    merged.update(changes)
    return parse_method(merged, method_id=method.id)
