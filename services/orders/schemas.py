"""Marshmallow schemas for what enters the orders service. Unknown fields are refused; money and
quantities are strict JSON integers (`"10000"`, `1000.5`, `true` and negatives are refused)."""

from __future__ import annotations

from typing import Any

from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates

from services.common.errors import Invalid
from services.common.fields import MinorUnits, StrictInteger, shared

CONTACT_METHODS = ("email", "site_chat", "whatsapp_viber", "sms", "phone_call")
STATUSES = ("placed", "confirmed", "partially_paid", "in_production", "paid", "shipped",
            "received", "completed", "cancelled", "expired")
TABS = ("open", "ready_to_ship", "complete", "cancelled")


class Strict(Schema):
    class Meta:
        unknown = RAISE


class Id(fields.UUID):
    """A UUID, handed on as its canonical text."""

    def _deserialize(self, value, attr, data, **kwargs):
        return str(super()._deserialize(value, attr, data, **kwargs))


def Text(max_length: int = 5000, **kwargs) -> fields.String:  # noqa: N802 - reads as a field
    return fields.String(validate=validate.Length(min=1, max=max_length), **kwargs)


def Quantity(**kwargs) -> StrictInteger:  # noqa: N802
    return StrictInteger(validate=validate.Range(min=1, max=100_000), **kwargs)


class Options(fields.Dict):
    """`{option_id: variant_id | [variant_ids] | "text"}`; the catalog checks the choices."""

    def __init__(self, **kwargs):
        super().__init__(keys=fields.String(validate=validate.Length(min=1, max=64)),
                         load_default=dict, **kwargs)


class CartItemIn(Strict):
    product_id = Id(required=True)
    quantity = Quantity(required=True)
    options = Options()


class CartItemPatch(Strict):
    quantity = Quantity(required=True)


class AddressIn(Strict):
    full_name = Text(200, required=True)
    phone = Text(50, required=True)
    country = fields.String(required=True, validate=validate.Regexp(r"^[A-Z]{2}$"))
    region = fields.String(load_default="", validate=validate.Length(max=200))
    city = Text(200, required=True)
    line1 = Text(500, required=True)
    postal_code = fields.String(load_default="", validate=validate.Length(max=20))


class LineIn(Strict):
    product_id = Id(required=True)
    quantity = Quantity(required=True)
    options = Options()


class CheckoutShopIn(Strict):
    shop_id = Id(required=True)
    delivery_method_id = Text(64, required=True)
    items = fields.List(fields.Nested(LineIn), validate=validate.Length(min=1, max=100))


class GuestIn(Strict):
    email = fields.Email(required=True)
    name = Text(200, required=True)
    phone = Text(50, required=True)


class SourceIn(Strict):
    referrer = fields.String(validate=validate.Length(max=500))
    utm_source = fields.String(validate=validate.Length(max=200))
    utm_medium = fields.String(validate=validate.Length(max=200))
    utm_campaign = fields.String(validate=validate.Length(max=200))


class CheckoutIn(Strict):
    shipping_address = fields.Nested(AddressIn, required=True)
    shops = fields.List(fields.Nested(CheckoutShopIn), required=True,
                        validate=validate.Length(min=1, max=50))
    promo_code = fields.String(validate=validate.Length(min=1, max=50))
    comment = fields.String(validate=validate.Length(max=2000))
    contact_method = fields.String(validate=validate.OneOf(CONTACT_METHODS))
    accept_rules = fields.Boolean(required=True, truthy={True}, falsy={False})
    source = fields.Nested(SourceIn)
    guest = fields.Nested(GuestIn)

    @validates("accept_rules")
    def _accepted(self, value, **_):
        if value is not True:
            raise ValidationError("Accept each shop's rules to check out.")


class ReasonIn(Strict):
    reason = fields.String(validate=validate.Length(min=1, max=1000))


class CancelIn(ReasonIn):
    pass


class DeliveryCostIn(Strict):
    cost = MinorUnits(required=True)


class AmountIn(Strict):
    amount = MinorUnits(required=True)
    reason = Text(1000, required=True)


class BalanceRequestIn(Strict):
    note = fields.String(validate=validate.Length(max=2000))
    attachment_ids = fields.List(Id(), load_default=list, validate=validate.Length(max=10))


class MessageIn(Strict):
    text = Text(5000, required=True)
    attachment_ids = fields.List(Id(), load_default=list, validate=validate.Length(max=10))


class NoteIn(Strict):
    text = Text(5000, required=True)


class ReviewIn(Strict):
    rating = StrictInteger(required=True, validate=validate.Range(min=1, max=5))
    text = Text(5000, required=True)


class CustomerIn(Strict):
    email = fields.Email(required=True)
    name = Text(200, required=True)
    phone = Text(50, required=True)


class SellerDeliveryIn(Strict):
    method_id = fields.String(validate=validate.Length(min=1, max=64))
    name = fields.String(validate=validate.Length(min=1, max=200))
    cost = MinorUnits()


class SellerOrderIn(Strict):
    customer = fields.Nested(CustomerIn, required=True)
    lines = fields.List(fields.Nested(LineIn), required=True,
                        validate=validate.Length(min=1, max=100))
    delivery = fields.Nested(SellerDeliveryIn, load_default=dict)
    amount = MinorUnits()  # the agreed items total, when it differs from the catalog's prices
    shipping_address = fields.Nested(AddressIn)
    comment = fields.String(validate=validate.Length(max=2000))


class ListQuery(Strict):
    as_ = fields.String(data_key="as", load_default="buyer",
                        validate=validate.OneOf(("buyer", "seller")))
    status = fields.String(load_default=None, validate=validate.OneOf(STATUSES))
    tab = fields.String(load_default=None, validate=validate.OneOf(TABS))
    page = StrictInteger(load_default=1, validate=validate.Range(min=1))
    per_page = StrictInteger(load_default=20, validate=validate.Range(min=1, max=100))


class PageQuery(Strict):
    page = StrictInteger(load_default=1, validate=validate.Range(min=1))
    per_page = StrictInteger(load_default=20, validate=validate.Range(min=1, max=100))


def load(schema: type[Schema], data: Any) -> dict[str, Any]:
    """The input checked by `schema`, or `Invalid` (422) with the messages per field."""
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise Invalid("The body must be a JSON object.", "validation_failed",
                      {"_schema": ["Must be a JSON object."]})
    try:
        return shared(schema).load(data)
    except ValidationError as exc:
        raise Invalid("The request has invalid fields.", "validation_failed",
                      exc.normalized_messages()) from None
