"""Delivery routes: a shop's methods and their quotes, answered by the shipping service.

The shipping service checks who may change a shop's methods (its owner, an admin) from the
caller's identity; the gateway asks the owner only when it refuses a body (`ownership`).
"""

from __future__ import annotations

from .. import services
from ..api import ServiceBlueprint
from ..ownership import shop_owner
from .schemas import (
    MethodCreateSchema,
    MethodFields,
    MethodListSchema,
    MethodSchema,
    QuoteRequestSchema,
    QuoteSchema,
)

blp = ServiceBlueprint(
    "delivery", __name__,
    description="Delivery methods and quotes (shipping service)")


def _existing_shop_owner(kwargs: dict) -> None:
    """A body the gateway refuses (422) for a shop that does not exist is a 404, whoever asks
    (shipping's `list_methods` answers `shop_not_found` for it); an existing shop of someone else
    is a 403."""
    services.call("shipping", "list_methods", str(kwargs["shop_id"]))  # NotFound → 404
    shop_owner(kwargs)


@blp.route("/shops/<uuid:shop_id>/delivery-methods", methods=["POST"])
@blp.secured("seller", "admin", owner=_existing_shop_owner)
@blp.arguments(MethodCreateSchema)
@blp.response(201, MethodSchema, problems=[404])
def create_method(body, shop_id):
    """Add one of the shop's own delivery methods, with its destinations, limits and rate."""
    return services.call("shipping", "create_method", str(shop_id), body)


@blp.route("/shops/<uuid:shop_id>/delivery-methods", methods=["GET"])
@blp.response(200, MethodListSchema, problems=[404])
def list_methods(shop_id):
    """The shop's own methods and the four universal ones, each with `enabled`."""
    return services.call("shipping", "list_methods", str(shop_id))


@blp.route("/shops/<uuid:shop_id>/delivery-methods/<method_id>", methods=["PATCH"])
@blp.secured("seller", "admin", owner=_existing_shop_owner)
@blp.arguments(MethodFields, required=False)
@blp.response(200, MethodSchema, problems=[404])
def patch_method(changes, shop_id, method_id):
    """Change a method; universal methods can only be switched on or off."""
    return services.call("shipping", "patch_method", str(shop_id), method_id, changes)


@blp.route("/delivery/quote", methods=["POST"])
@blp.arguments(QuoteRequestSchema)
@blp.response(200, QuoteSchema, problems=[404, 409])
def quote(body):
    """The methods that fit these items and this destination, priced from the shop's rate tables."""
    body = services.as_json(body)
    return services.call("shipping", "quote_items", body["shop_id"], body["items"],
                         body["destination"])
