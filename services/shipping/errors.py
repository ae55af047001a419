"""The shipping service's errors.

Inside the service errors are typed: the domain's (`InvalidDeliveryMethod`,
`InvalidTrackingNumber`, `MethodNotAvailable`, `OrderNotShippable`, ...) and the few below. Each
leaves as the kernel's base class (`Invalid`, `NotFound`, `Forbidden`, `Conflict`,
`Unavailable`: `services.common.runtime.rpc`) with its specific `code`; per-field `errors` are
always lists of messages under dotted paths (`rate.tiers.1.from`), as the gateway's own validation
errors are (`schemas.check` flattens the domain's).

Codes raised here, beyond the domain's:
- `invalid_request` — a body or an argument of the wrong shape (unknown fields, wrong types);
- `shop_not_found` — a shop neither shipping nor the catalog knows (404);
- `not_shop_owner` — a seller acting on another seller's shop (403);
- `order_not_found` — an order shipping has not heard of, or one the caller may not see (404);
- `delivery_method_not_found` — no such method in that shop (patch, get);
- `product_not_found` — a quote for a product the catalog does not have or does not show (404);
- `unknown_delivery_method` — checkout names a method the shop does not have (422, a body field);
- `wrong_shop` — a quote for items of another shop (422, per item);
- `unknown_carrier` — a shipment with a carrier the platform does not know.
"""

from __future__ import annotations

from services.common.errors import Invalid, NotFound


class MethodNotFound(NotFound, code="delivery_method_not_found"):
    """No such delivery method in that shop."""


class UnknownMethodAtCheckout(Invalid, code="unknown_delivery_method"):
    """Checkout names a method the shop does not have."""


class ItemsOfAnotherShop(Invalid, code="wrong_shop"):
    """A quote for items of another shop."""


class UnknownCarrier(Invalid, code="unknown_carrier"):
    """A shipment with a carrier the platform does not know."""


class InvalidRequest(Invalid, code="validation_failed"):
    """A body or an argument of the wrong shape (unknown fields, wrong types)."""
