"""Typed errors that services raise and the gateway maps to HTTP problems.

Each error has a stable `code`; `kind` tells the gateway which status it becomes. Nameko serialises an
exception raised by an RPC method as (type name, message, args), so these keep their payload in `args`.
"""

from __future__ import annotations

from typing import Any


class ServiceError(Exception):
    """A refusal with a stable `code` and a `kind`: a subclass names them in its class line,
    `class OutOfStock(Conflict, code="out_of_stock")`."""

    kind = "invalid"
    code = "error"

    def __init_subclass__(cls, *, kind: str | None = None, code: str | None = None, **kwargs):
        super().__init_subclass__(**kwargs)
        if kind is not None:
            cls.kind = kind
        if code is not None:
            cls.code = code

    def __init__(self, detail: str, code: str | None = None, errors: dict[str, Any] | None = None):
        super().__init__(detail, code or self.code, errors or {})
        self.detail = detail
        if code:
            self.code = code
        self.errors = errors or {}

    def __str__(self) -> str:
        return self.detail


class NotFound(ServiceError, kind="not_found", code="not_found"):
    """Nothing the caller may see by that id; the gateway answers 404."""


class Forbidden(ServiceError, kind="forbidden", code="forbidden"):
    """The caller may not do this; the gateway answers 403."""


class Invalid(ServiceError, kind="invalid", code="invalid"):
    """Input that breaks a rule; `errors` maps field names to messages."""


class Conflict(ServiceError, kind="conflict", code="conflict"):
    """A refused transition, a duplicate, or stock that cannot be had."""


class Unavailable(ServiceError, kind="unavailable", code="service_unavailable"):
    """Another service this one needed did not answer in time; the gateway answers 503."""


# Refusals several services make in the same words.
class ShopNotFound(NotFound, code="shop_not_found"):
    """No such shop, or none the caller may see."""


class NotShopOwner(Forbidden, code="not_shop_owner"):
    """A seller acting on another seller's shop."""


class OrderNotFound(NotFound, code="order_not_found"):
    """No such order, or one the caller may not see."""


class ProductNotFound(NotFound, code="product_not_found"):
    """No such product, or one that is not shown."""


# What leaves a service: every typed error travels as one of these (see `services.common.runtime.rpc`).
BASE_ERRORS = (NotFound, Forbidden, Invalid, Conflict, Unavailable)
# The names the gateway recognises in a RemoteError's exc_type.
ERROR_KINDS = {cls.__name__: cls.kind for cls in BASE_ERRORS}


def on_the_wire(exc: ServiceError) -> ServiceError:
    """A service's own subclass (`OutOfStock`) as its base (`Conflict`), keeping code and errors,
    so callers need to know only the kernel's five types."""
    base = next((b for b in BASE_ERRORS if isinstance(exc, b)), None)
    if base is None or type(exc) is base:
        return exc
    return base(exc.detail, exc.code, exc.errors)
