"""Marshmallow schemas for what enters the shipping service.

Entrypoints load their arguments with `load` and the `...In` schemas below: ids and the parts an
action needs before it may look at a body. A body that the caller must be allowed to send first (a
delivery method, a shipment) is carried as it came, and checked by the action once it has
authorized the caller (403/404 before 422), with `check` and the schemas that follow.

The body schemas check the shape: unknown fields are refused at every level, money (`cost`, `base`,
`items_total`, a line's `total`) and quantities are strict JSON integers, booleans are JSON
booleans. The rules (tiers in order, min weight not above max, known carriers, tracking number
forms, ...) are the domain's, with its per-field messages; `check` runs both and reports every
broken field at once.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from typing import Any

from marshmallow import RAISE, Schema, ValidationError, fields, validate

from services.common.errors import ServiceError
from services.common.fields import MinorUnits, StrictInteger, shared
from services.common.schemas import field_errors

from .errors import InvalidRequest


class StrictBoolean(fields.Boolean):
    """true or false, nothing else ("yes", 1 and "true" are refused)."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, bool):
            raise ValidationError("Must be true or false.")
        return value


class _Strict(Schema):
    class Meta:
        unknown = RAISE


def _text(**kw) -> fields.String:
    return fields.String(validate=validate.Length(max=200), **kw)


# Delivery methods -------------------------------------------------------------------------------
class DestinationRuleSchema(_Strict):
    country = fields.String(required=True)
    region = _text(allow_none=True)
    city = _text(allow_none=True)


class WeightLimitSchema(_Strict):
    min = StrictInteger(allow_none=True)
    max = StrictInteger(allow_none=True)


class TierSchema(_Strict):
    from_ = StrictInteger(data_key="from", required=True)
    cost = MinorUnits(required=True)


class RateSchema(_Strict):
    basis = fields.String(required=True)
    tiers = fields.List(fields.Nested(TierSchema), allow_none=True)
    base = MinorUnits(allow_none=True)
    percent_per_extra_item = StrictInteger(allow_none=True)


class PickupSchema(_Strict):
    address = fields.String(allow_none=True)
    hours = fields.String(allow_none=True)


class MethodSchema(_Strict):
    """A seller's method. Nothing is `required` here: the domain names what is missing, clearly."""

    name = fields.String(allow_none=True)
    carrier = fields.String(allow_none=True)
    destinations = fields.List(fields.Nested(DestinationRuleSchema), allow_none=True)
    weight_limit_grams = fields.Nested(WeightLimitSchema, allow_none=True)
    free_delivery_applies = StrictBoolean(allow_none=True)
    rate = fields.Nested(RateSchema, allow_none=True)
    delivery_days = StrictInteger(allow_none=True)
    enabled = StrictBoolean(allow_none=True)
    pickup = fields.Nested(PickupSchema, allow_none=True)


# Quotes -----------------------------------------------------------------------------------------
class DestinationSchema(_Strict):
    country = fields.String(required=True)
    region = _text(allow_none=True)
    city = _text(allow_none=True)


class LineSchema(_Strict):
    """An order line as checkout knows it: unit weight from the catalog, line total in minor units."""

    product_id = fields.String(allow_none=True)  # for the caller's logs; not used in the rules
    quantity = StrictInteger(required=True)
    weight_grams = StrictInteger(allow_none=True)
    free_delivery = StrictBoolean(load_default=False)
    total = MinorUnits(load_default=0)


class QuoteSchema(_Strict):
    destination = fields.Nested(DestinationSchema, required=True)
    lines = fields.List(fields.Nested(LineSchema), required=True)
    items_total = MinorUnits(required=True)
    currency = fields.String(required=True, validate=validate.Regexp(r"^[A-Z]{3}$"))


class QuoteItemSchema(_Strict):
    product_id = fields.UUID(required=True)
    quantity = StrictInteger(required=True, validate=validate.Range(min=1, max=100_000))
    options = fields.Dict(keys=fields.String(), load_default=dict)


class QuoteItemsSchema(_Strict):
    """A buyer's quote: the catalog gives the lines' weights and prices."""

    destination = fields.Nested(DestinationSchema, required=True)
    items = fields.List(fields.Nested(QuoteItemSchema), required=True,
                        validate=validate.Length(min=1, max=100))


# Shipments --------------------------------------------------------------------------------------
class ShipmentSchema(_Strict):
    carrier = fields.String(required=True)
    tracking_number = fields.String(allow_none=True, validate=validate.Length(max=100))
    notify_buyer = StrictBoolean(load_default=True)


# Entrypoints' arguments ---------------------------------------------------------------------------
class UuidText(fields.Field):
    """A UUID argument as its canonical text."""

    def _deserialize(self, value, attr, data, **kwargs):
        try:
            return str(uuid.UUID(str(value)))
        except (ValueError, TypeError, AttributeError):
            raise ValidationError("Must be a UUID.") from None


class ShopIn(_Strict):
    shop_id = UuidText(required=True)


class MethodIn(ShopIn):
    """A method to create or a change to one: the body is checked once the caller may send it."""

    method_id = fields.String(load_default=None)  # any text: one that is no method's id is a 404
    body = fields.Raw(load_default=None)


class OrderQuoteIn(ShopIn):
    """An order as checkout knows it, checked by the action (`QuoteSchema` and the domain)."""

    method_id = fields.Raw(load_default=None)
    destination = fields.Raw(load_default=None)
    lines = fields.Raw(load_default=None)
    items_total = fields.Raw(load_default=None)
    currency = fields.Raw(load_default=None)


class ItemsQuoteIn(ShopIn):
    destination = fields.Raw(load_default=None)
    items = fields.Raw(load_default=None)


class OrderIn(_Strict):
    order_id = UuidText(required=True)


class ShipmentIn(OrderIn):
    body = fields.Raw(load_default=None)


def check(
    schema: type[Schema],
    data: Any,
    rules: Callable[[Mapping[str, Any]], Any] | None = None,
    *,
    partial: bool = False,
) -> Any:
    """Load `data` with `schema`, then apply the domain's `rules` to it; every error at once.

    Returns what `rules` returns (or the loaded data without rules). Raises `InvalidRequest` for
    shape errors, or the domain's own error (with the shape errors merged in) for broken rules.
    """
    if not isinstance(data, Mapping):
        raise InvalidRequest("The body must be a JSON object.", errors={"_schema": ["Must be an object."]})
    try:
        loaded = shared(schema).load(data, partial=partial)
        shape_errors: dict[str, list[str]] = {}
    except ValidationError as exc:
        loaded = None
        shape_errors = field_errors(exc.messages)
    if rules is None:
        if shape_errors:
            raise InvalidRequest("The request has invalid fields; see errors.", errors=shape_errors)
        return loaded
    try:
        # The domain reads the raw body: it is as strict as the schema about types.
        result = rules(data)
    except ServiceError as exc:
        merged = dict(shape_errors)
        for path, messages in field_errors(exc.errors).items():
            merged.setdefault(path, messages)
        raise type(exc)(exc.detail, exc.code, merged) from None
    if shape_errors:
        raise InvalidRequest("The request has invalid fields; see errors.", errors=shape_errors)
    return result
