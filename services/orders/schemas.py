"""Marshmallow schemas for what enters the orders service. Unknown fields are refused; money and
quantities are strict JSON integers (`"10000"`, `1000.5`, `true` and negatives are refused).

An entrypoint loads its body with the ids of its path merged in (`load(NoteIn, body,
order_id=order_id)`), so an action gets one dict. Ids of the path are taken as text: an id that
names nothing is the action's 404, as for one that does not exist."""

from __future__ import annotations

from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates

from services.common.fields import MinorUnits, StrictBoolean, StrictInteger

from .domain import AmountRequestStatus

CONTACT_METHODS = ("email", "site_chat", "whatsapp_viber", "sms", "phone_call")
STATUSES = ("placed", "confirmed", "partially_paid", "in_production", "paid", "shipped",
            "received", "completed", "cancelled", "expired")
TABS = ("open", "ready_to_ship", "complete", "cancelled")


class Strict(Schema):
    class Meta:
        unknown = RAISE


def PathId(**kwargs) -> fields.String:  # noqa: N802 - reads as a field
    return fields.String(required=True, validate=validate.Length(min=1, max=100), **kwargs)


class Paged(Strict):
    page = StrictInteger(load_default=1, validate=validate.Range(min=1))
    per_page = StrictInteger(load_default=20, validate=validate.Range(min=1, max=100))


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
    item_id = PathId()
    quantity = Quantity(required=True)


class CartItemRef(Strict):
    item_id = PathId()


class Nothing(Strict):
    """A method without input."""


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
    accept_rules = StrictBoolean(required=True)
    source = fields.Nested(SourceIn)
    guest = fields.Nested(GuestIn)
    # Required: without it a resent checkout would order twice (the gateway answers 428 first).
    idempotency_key = fields.String(
        required=True, validate=validate.Length(min=1, max=200),
        error_messages={"required": "An Idempotency-Key is required.",
                        "null": "An Idempotency-Key is required."})

    @validates("accept_rules")
    def _accepted(self, value, **_):
        if value is not True:
            raise ValidationError("Accept each shop's rules to check out.")


class OrderRef(Strict):
    order_id = PathId()


class OrderRead(OrderRef):
    access = fields.String(load_default=None, allow_none=True)  # a guest's order-link token


class CancelIn(OrderRead):
    reason = fields.String(validate=validate.Length(min=1, max=1000))


class DeliveryCostIn(OrderRef):
    cost = MinorUnits(required=True)


class AmountIn(OrderRef):
    amount = MinorUnits(required=True)
    reason = Text(1000, required=True)


class AmountRequestQuery(Paged):
    """`status` None lists every request."""

    status = fields.String(load_default=AmountRequestStatus.PENDING.value, allow_none=True,
                           validate=validate.OneOf([s.value for s in AmountRequestStatus]))


class AmountDecisionIn(Strict):
    request_id = PathId()
    approve = StrictBoolean(required=True)


class BalanceRequestIn(OrderRef):
    note = fields.String(validate=validate.Length(max=2000))
    attachment_ids = fields.List(Id(), load_default=list, validate=validate.Length(max=10))


class MessageIn(OrderRef):
    text = Text(5000, required=True)
    attachment_ids = fields.List(Id(), load_default=list, validate=validate.Length(max=10))


class MessagesQuery(OrderRef, Paged):
    pass


class NoteIn(OrderRef):
    text = Text(5000, required=True)


class NoteEdit(NoteIn):
    note_id = PathId()


class ReviewIn(OrderRef):
    rating = StrictInteger(required=True, validate=validate.Range(min=1, max=5))
    text = Text(5000, required=True)
    display_name = fields.String(load_default=None, allow_none=True,
                                 validate=validate.Length(max=200))


class ShopReviewsQuery(Paged):
    shop_id = PathId()


class ProductReviewsQuery(Paged):
    product_id = PathId()


class CustomerRef(Strict):
    customer_id = PathId()


class CustomerIn(Strict):
    email = fields.Email(required=True)
    name = Text(200, required=True)
    phone = Text(50, required=True)


class SellerDeliveryIn(Strict):
    method_id = fields.String(validate=validate.Length(min=1, max=64))
    name = fields.String(validate=validate.Length(min=1, max=200))
    cost = MinorUnits()


class SellerOrderIn(Strict):
    shop_id = PathId()
    idempotency_key = fields.String(load_default=None, allow_none=True,
                                    validate=validate.Length(min=1, max=200))
    # The registered buyer with the customer's e-mail, as the gateway's identity found them.
    customer_id = Id(load_default=None, allow_none=True)
    customer = fields.Nested(CustomerIn, required=True)
    lines = fields.List(fields.Nested(LineIn), required=True,
                        validate=validate.Length(min=1, max=100))
    delivery = fields.Nested(SellerDeliveryIn, load_default=dict)
    amount = MinorUnits()  # the agreed items total, when it differs from the catalog's prices
    shipping_address = fields.Nested(AddressIn)
    comment = fields.String(validate=validate.Length(max=2000))


class ListQuery(Paged):
    as_ = fields.String(data_key="as", load_default="buyer",
                        validate=validate.OneOf(("buyer", "seller")))
    status = fields.String(load_default=None, validate=validate.OneOf(STATUSES))
    tab = fields.String(load_default=None, validate=validate.OneOf(TABS))
