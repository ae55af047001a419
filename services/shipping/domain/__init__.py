"""The shipping service's pure rules: delivery methods, rate tables, quotes, tracking, deadlines.

No I/O and no framework imports; the service layer loads data, calls these, and saves.
Modules by topic: `methods` (methods as data, checked), `rates` (rate tables), `destinations`
(where a method applies), `universal` (the four methods every shop has), `quote` (what fits and
what it costs), `tracking` (numbers, links, shipment statuses), `overdue` (shipping deadline),
`orders` (order statuses from the order events; which may be shipped).
"""

from .destinations import Destination, DestinationRule, applies_to, parse_destination
from .errors import (
    InvalidDeadline,
    InvalidDeliveryMethod,
    InvalidDestination,
    InvalidParcel,
    InvalidTrackingNumber,
    MethodNotAvailable,
    OrderNotShippable,
    UniversalMethodLocked,
    UnknownShipmentStatus,
)
from .methods import (
    Carrier,
    DeliveryMethod,
    PickupPoint,
    WeightLimit,
    parse_method,
    patch_method,
)
from .orders import FOLLOWED_EVENTS, OrderStatus, check_shippable, may_ship, status_after
from .overdue import (
    DEFAULT_SHIPPING_DAYS,
    AwaitingShipment,
    is_shipping_overdue,
    overdue_for_shipping,
    shipping_due_at,
)
from .quote import (
    Line,
    Parcel,
    QuotedMethod,
    Unfit,
    delivery_cost,
    make_parcel,
    price_method,
    quote,
    unfit_reason,
)
from .rates import Basis, Measures, Rate, Tier, parse_rate, tier_cost
from .tracking import (
    CARRIER_TRANSITIONS,
    FINAL_STATUSES,
    ShipmentStatus,
    StatusUpdate,
    apply_carrier_status,
    can_carrier_move,
    is_valid_tracking_number,
    normalise_tracking_number,
    parse_shipment_status,
    shipment_id_for,
    tracking_url,
    validate_optional_tracking_number,
    validate_tracking_number,
)
from .universal import UNIVERSAL_KEYS, universal_key, universal_method_id, universal_methods

__all__ = [
    "CARRIER_TRANSITIONS",
    "DEFAULT_SHIPPING_DAYS",
    "FINAL_STATUSES",
    "FOLLOWED_EVENTS",
    "UNIVERSAL_KEYS",
    "AwaitingShipment",
    "Basis",
    "Carrier",
    "DeliveryMethod",
    "Destination",
    "DestinationRule",
    "InvalidDeadline",
    "InvalidDeliveryMethod",
    "InvalidDestination",
    "InvalidParcel",
    "InvalidTrackingNumber",
    "Line",
    "Measures",
    "MethodNotAvailable",
    "OrderNotShippable",
    "OrderStatus",
    "Parcel",
    "PickupPoint",
    "QuotedMethod",
    "Rate",
    "ShipmentStatus",
    "StatusUpdate",
    "Tier",
    "Unfit",
    "UniversalMethodLocked",
    "UnknownShipmentStatus",
    "WeightLimit",
    "applies_to",
    "apply_carrier_status",
    "can_carrier_move",
    "check_shippable",
    "delivery_cost",
    "is_shipping_overdue",
    "is_valid_tracking_number",
    "make_parcel",
    "may_ship",
    "normalise_tracking_number",
    "overdue_for_shipping",
    "parse_destination",
    "parse_method",
    "parse_rate",
    "parse_shipment_status",
    "patch_method",
    "price_method",
    "quote",
    "shipment_id_for",
    "shipping_due_at",
    "status_after",
    "tier_cost",
    "tracking_url",
    "unfit_reason",
    "universal_key",
    "universal_method_id",
    "universal_methods",
    "validate_optional_tracking_number",
    "validate_tracking_number",
]
