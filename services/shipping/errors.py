"""The shipping service's errors, and how they leave it.

Inside the service, errors are typed: the domain's (`InvalidDeliveryMethod`,
`InvalidTrackingNumber`, `MethodNotAvailable`, ...) and the few below. The gateway recognises a
remote error by the kernel class name Nameko sends (`Invalid`, `NotFound`, `Forbidden`,
`Conflict`), so `at_the_boundary` re-raises every `ServiceError` as its kernel base class, keeping
the specific `code` (e.g. `invalid_delivery_method`) and the per-field `errors`, whose values are
always lists of messages under dotted paths (`rate.tiers.1.from`), as the gateway's own
validation errors are.

Codes raised here, beyond the domain's:
- `invalid_request` — a body or an argument of the wrong shape (unknown fields, wrong types);
- `delivery_method_not_found` — no such method in that shop (patch, get);
- `unknown_delivery_method` — checkout names a method the shop does not have (422, a body field);
- `order_of_another_shop` — a shipment for an order that shipping knows belongs to another shop;
- `unknown_carrier` — a shipment with a carrier the platform does not know.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

from services.common.errors import Conflict, Forbidden, Invalid, NotFound, ServiceError

KERNEL_ERRORS: tuple[type[ServiceError], ...] = (Invalid, NotFound, Forbidden, Conflict)


class MethodNotFound(NotFound):
    code = "delivery_method_not_found"


class UnknownMethodAtCheckout(Invalid):
    code = "unknown_delivery_method"


class OrderOfAnotherShop(NotFound):
    code = "order_of_another_shop"


class UnknownCarrier(Invalid):
    code = "unknown_carrier"


class InvalidRequest(Invalid):
    code = "invalid_request"


def field_errors(messages: Any, prefix: str = "") -> dict[str, list[str]]:
    """Marshmallow's nested messages or the domain's `{path: message}` → `{path: [messages]}`."""
    flat: dict[str, list[str]] = {}
    if isinstance(messages, Mapping):
        for key, value in messages.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            for path, texts in field_errors(value, name).items():
                flat.setdefault(path, []).extend(texts)
    elif isinstance(messages, list | tuple) and all(isinstance(m, str) for m in messages):
        flat[prefix or "_schema"] = list(messages)
    elif isinstance(messages, list | tuple):
        for index, value in enumerate(messages):
            flat.update(field_errors(value, f"{prefix}.{index}" if prefix else str(index)))
    else:
        flat[prefix or "_schema"] = [str(messages)]
    return flat


def as_kernel_error(error: ServiceError) -> ServiceError:
    """The same error as the kernel class the gateway knows, code and field errors kept."""
    base = next((cls for cls in KERNEL_ERRORS if isinstance(error, cls)), Invalid)
    return base(error.detail, error.code, field_errors(error.errors))


def at_the_boundary(fn):
    """Wrap an entrypoint so the typed errors it raises leave as kernel errors."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except ServiceError as error:
            raise as_kernel_error(error) from error

    return wrapper
