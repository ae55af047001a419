"""What the cart, checkout and order routes accept and return.

Requests: unknown fields are refused at every depth; money (`cost`, `amount`) and quantities are
strict JSON integers (`"10000"`, `"$10,000"`, `10000.5` and negatives are refused with 422). The
orders service checks the rules (states, ownership, stock); these check the shapes.

Responses: exactly what the orders service returns (see `services/orders/README.md`), so the
OpenAPI document describes the real payloads. Money in responses is `{amount, currency}`. A field
that only the seller sees (`notes`, `source`) is simply absent from a buyer's payload.
"""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from services.common import vocabulary
from services.common.fields import MinorUnits, StrictInteger

from ..catalog.schemas import ChosenOptionSchema, option_choices
from ..delivery.schemas import CARRIERS
from ..schemas import PageSchema, moment, money

STATUSES = list(vocabulary.ORDER_STATUSES)
TABS = list(vocabulary.ORDER_TABS)
CONTACT_METHODS = list(vocabulary.CONTACT_METHODS)
PARTIES = list(vocabulary.ACTOR_ROLES)
REQUEST_STATUSES = ["pending", "approved", "rejected"]


def _text(max_length: int, **kwargs) -> fields.String:
    return fields.String(validate=validate.Length(min=1, max=max_length), **kwargs)


def _quantity(**kwargs) -> StrictInteger:
    return StrictInteger(validate=validate.Range(min=1, max=100_000), **kwargs)


class Percent(fields.Number):
    """A percentage as given: 5 stays 5 and 2.5 stays 2.5 (no cast to float)."""

    num_type = float

    def _format_num(self, value):
        return value


# Requests -----------------------------------------------------------------------------------------
class CartItemCreateSchema(ma.Schema):
    product_id = fields.UUID(required=True)
    quantity = _quantity(required=True)
    options = option_choices()


class CartItemPatchSchema(ma.Schema):
    quantity = _quantity(required=True)


class AddressSchema(ma.Schema):
    full_name = _text(200, required=True)
    phone = _text(50, required=True)
    country = fields.String(required=True, validate=validate.Regexp(r"^[A-Z]{2}$"),
                            metadata={"description": "ISO 3166-1 alpha-2, e.g. RU"})
    region = fields.String(validate=validate.Length(max=200))
    city = _text(200, required=True)
    line1 = _text(500, required=True)
    postal_code = fields.String(validate=validate.Length(max=20))


class LineSchema(ma.Schema):
    product_id = fields.UUID(required=True)
    quantity = _quantity(required=True)
    options = option_choices()


class CheckoutShopSchema(ma.Schema):
    shop_id = fields.UUID(required=True)
    delivery_method_id = _text(64, required=True)
    items = fields.List(fields.Nested(LineSchema), validate=validate.Length(min=1, max=100),
                        metadata={"description": "A guest's lines for this shop (a signed-in "
                                                 "buyer's come from the cart)"})


class GuestSchema(ma.Schema):
    email = fields.Email(required=True, validate=validate.Length(max=320))
    name = _text(200, required=True)
    phone = _text(50, required=True)


class SourceSchema(ma.Schema):
    referrer = fields.String(validate=validate.Length(max=500))
    utm_source = fields.String(validate=validate.Length(max=200))
    utm_medium = fields.String(validate=validate.Length(max=200))
    utm_campaign = fields.String(validate=validate.Length(max=200))


class CheckoutSchema(ma.Schema):
    shipping_address = fields.Nested(AddressSchema, required=True)
    shops = fields.List(fields.Nested(CheckoutShopSchema), required=True,
                        validate=validate.Length(min=1, max=50))
    promo_code = _text(50)
    comment = fields.String(validate=validate.Length(max=2000))
    contact_method = fields.String(validate=validate.OneOf(CONTACT_METHODS))
    accept_rules = fields.Boolean(
        required=True, truthy={True}, falsy={False},
        validate=validate.Equal(True, error="Accept each shop's rules to check out."),
        metadata={"description": "The buyer's consent to each shop's rules; must be true"},
    )
    source = fields.Nested(SourceSchema)
    guest = fields.Nested(GuestSchema, metadata={
        "description": "Only without a token: a guest order tied to this e-mail"})


class IdempotencyHeaderSchema(ma.Schema):
    idempotency_key = fields.String(
        data_key="Idempotency-Key", validate=validate.Length(min=1, max=200),
        metadata={"description": "The same key with the same body returns the same result and "
                                 "creates nothing new"},
    )


class RequiredIdempotencyHeaderSchema(ma.Schema):
    idempotency_key = fields.String(
        data_key="Idempotency-Key", required=True, validate=validate.Length(min=1, max=200),
        metadata={"description": "Required (428 without it): the same key with the same body "
                                 "returns the same result and creates nothing new; with another "
                                 "body, or while the first still runs, 409"},
    )


class ReasonSchema(ma.Schema):
    reason = _text(1000)


class DeliveryCostSchema(ma.Schema):
    cost = MinorUnits(required=True, metadata={"description": "Minor units of the shop's currency"})


class AmountSchema(ma.Schema):
    amount = MinorUnits(required=True, metadata={
        "description": "The new items total in minor units; delivery and surcharge are added "
                       "again"})
    reason = _text(1000, required=True)


class BalanceRequestSchema(ma.Schema):
    note = fields.String(validate=validate.Length(max=2000))
    attachment_ids = fields.List(fields.UUID(), validate=validate.Length(max=10))


class MessageCreateSchema(ma.Schema):
    text = _text(5000, required=True)
    attachment_ids = fields.List(fields.UUID(), validate=validate.Length(max=10))


class NoteTextSchema(ma.Schema):
    text = _text(5000, required=True)


class ReviewCreateSchema(ma.Schema):
    rating = StrictInteger(required=True, validate=validate.Range(min=1, max=5))
    text = _text(5000, required=True)


class ShipmentCreateSchema(ma.Schema):
    carrier = fields.String(required=True, validate=validate.OneOf(CARRIERS))
    tracking_number = fields.String(allow_none=True, validate=validate.Length(min=1, max=64),
                                    metadata={"description": "CDEK: 10 digits; Russian Post: 14 "
                                                             "digits or AA123456789RU"})
    notify_buyer = fields.Boolean(load_default=True)


class SellerDeliverySchema(ma.Schema):
    method_id = _text(64, metadata={"description": "One of the shop's delivery methods"})
    name = _text(200)
    cost = MinorUnits(metadata={"description": "Set by the seller; absent with a `method_id` "
                                               "and an address: priced by the method"})


class SellerOrderCreateSchema(ma.Schema):
    customer = fields.Nested(GuestSchema, required=True)
    lines = fields.List(fields.Nested(LineSchema), required=True,
                        validate=validate.Length(min=1, max=100))
    delivery = fields.Nested(SellerDeliverySchema)
    amount = MinorUnits(metadata={"description": "The agreed items total, when it differs from "
                                                 "the catalog's prices"})
    shipping_address = fields.Nested(AddressSchema)
    comment = fields.String(validate=validate.Length(max=2000))


class PageQuerySchema(ma.Schema):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=1_000_000))
    per_page = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))


class OrderListQuerySchema(PageQuerySchema):
    as_ = fields.String(data_key="as", validate=validate.OneOf(["buyer", "seller"]), metadata={
        "description": "Whose side to list; by default a seller's shop orders, else purchases"})
    status = fields.String(validate=validate.OneOf(STATUSES))
    tab = fields.String(validate=validate.OneOf(TABS), metadata={
        "description": "open = placed; ready_to_ship = confirmed, partially_paid, in_production, "
                       "paid; complete = shipped, received, completed; cancelled = cancelled, "
                       "expired"})


class OrderAccessQuerySchema(ma.Schema):
    access = fields.String(validate=validate.Length(min=1, max=200), metadata={
        "description": "A guest's order-link token (from the checkout response)"})


class AmountRequestQuerySchema(PageQuerySchema):
    status = fields.String(load_default="pending",
                           validate=validate.OneOf([*REQUEST_STATUSES, "all"]))


# Responses ----------------------------------------------------------------------------------------
class CartItemSchema(ma.Schema):
    id = fields.UUID(required=True)
    shop_id = fields.UUID(required=True)
    product_id = fields.UUID(required=True)
    quantity = fields.Integer(required=True)
    options = option_choices(required=True)
    available = fields.Boolean(required=True, metadata={
        "description": "false: the product cannot be bought now (no price is shown)"})
    title = fields.String()
    unit_price = money()
    total = money()
    chosen_options = fields.List(fields.Nested(ChosenOptionSchema))


class CartGroupSchema(ma.Schema):
    shop_id = fields.UUID(required=True)
    items = fields.List(fields.Nested(CartItemSchema), required=True)
    subtotal = money(required=True, allow_none=True,
                     metadata={"description": "null when no item can be bought now"})


class CartSchema(ma.Schema):
    groups = fields.List(fields.Nested(CartGroupSchema), required=True)


class OrderLineSchema(ma.Schema):
    product_id = fields.UUID(required=True)
    title = fields.String(required=True)
    quantity = fields.Integer(required=True)
    options = fields.List(fields.Nested(ChosenOptionSchema), required=True)
    unit_price = money(required=True)
    total = money(required=True)


class TotalsSchema(ma.Schema):
    items = money(required=True)
    delivery = money(required=True, allow_none=True,
                     metadata={"description": "null: the seller quotes it"})
    discount = money(required=True)
    surcharge = money(required=True)
    grand_total = money(required=True)


class DeliveryMethodRefSchema(ma.Schema):
    id = fields.String(required=True, allow_none=True)
    name = fields.String(required=True, allow_none=True)


class ShippingAddressSchema(ma.Schema):
    full_name = fields.String(required=True)
    phone = fields.String(required=True)
    country = fields.String(required=True)
    region = fields.String()
    city = fields.String(required=True)
    line1 = fields.String(required=True)
    postal_code = fields.String()


class GuestContactSchema(ma.Schema):
    email = fields.String(required=True)
    name = fields.String(required=True)
    phone = fields.String(required=True)


class OrderShipmentSchema(ma.Schema):
    id = fields.String(required=True)
    carrier = fields.String(required=True)
    tracking_number = fields.String(required=True, allow_none=True)
    tracking_url = fields.String(required=True, allow_none=True)
    status = fields.String(required=True)


class HistoryEntrySchema(ma.Schema):
    at = moment(required=True)
    by = fields.String(required=True, metadata={"description": "buyer, seller, admin or system"})
    from_ = fields.String(data_key="from", attribute="from", required=True, allow_none=True,
                          validate=validate.OneOf(STATUSES))
    to = fields.String(required=True, validate=validate.OneOf(STATUSES))
    reason = fields.String(required=True, allow_none=True)


class NoteSchema(ma.Schema):
    id = fields.UUID(required=True)
    order_id = fields.UUID(required=True)
    text = fields.String(required=True)
    created_at = moment(required=True)
    updated_at = moment(required=True)


class OrderSummarySchema(ma.Schema):
    """An order in a list: everything but its history."""

    id = fields.UUID(required=True)
    shop_id = fields.UUID(required=True)
    buyer_id = fields.UUID(required=True, allow_none=True,
                           metadata={"description": "null for a guest's order"})
    status = fields.String(required=True, validate=validate.OneOf(STATUSES))
    created_by = fields.String(required=True, validate=validate.OneOf(["buyer", "seller"]))
    placed_at = moment(required=True)
    lines = fields.List(fields.Nested(OrderLineSchema), required=True)
    totals = fields.Nested(TotalsSchema, required=True)
    paid = money(required=True)
    prepayment_percent = fields.Integer(required=True)
    surcharge_percent = Percent(required=True)
    surcharge_label = fields.String(required=True, allow_none=True)
    delivery_method = fields.Nested(DeliveryMethodRefSchema, required=True)
    shipping_address = fields.Nested(ShippingAddressSchema, required=True, allow_none=True)
    contact_method = fields.String(required=True, allow_none=True)
    comment = fields.String(required=True, allow_none=True)
    guest = fields.Nested(GuestContactSchema, required=True, allow_none=True)
    shipments = fields.List(fields.Nested(OrderShipmentSchema), required=True)
    source = fields.Nested(SourceSchema, allow_none=True,
                           metadata={"description": "The seller's view only"})
    notes = fields.List(fields.Nested(NoteSchema), metadata={
        "description": "The seller's private notes: in the seller's view only"})


class OrderSchema(OrderSummarySchema):
    history = fields.List(fields.Nested(HistoryEntrySchema), required=True, metadata={
        "description": "Starts with the placed entry; records amount changes"})


class OrderPageSchema(PageSchema):
    items = fields.List(fields.Nested(OrderSummarySchema), required=True)


class CheckoutResultSchema(ma.Schema):
    orders = fields.List(fields.Nested(OrderSchema), required=True)
    access_token = fields.String(metadata={
        "description": "A guest checkout only: read an order with "
                       "GET /api/v1/orders/{id}?access=<access_token>"})
    order_links = fields.List(fields.String(), metadata={
        "description": "A guest checkout only: each order's link, with its access token"})


class SellerOrderResultSchema(ma.Schema):
    order = fields.Nested(OrderSchema, required=True)
    access_token = fields.String(required=True, metadata={
        "description": "The customer's order-link token"})
    order_link = fields.String(required=True)


class AmountRequestSchema(ma.Schema):
    id = fields.UUID(required=True)
    order_id = fields.UUID(required=True)
    amount = money(required=True)
    reason = fields.String(required=True)
    status = fields.String(required=True, validate=validate.OneOf(REQUEST_STATUSES))
    requested_by = fields.String(required=True, allow_none=True)
    created_at = moment(required=True)
    decided_at = moment(required=True, allow_none=True)


class AmountRequestPageSchema(PageSchema):
    items = fields.List(fields.Nested(AmountRequestSchema), required=True)


class AttachmentSchema(ma.Schema):
    id = fields.String(required=True)
    url = fields.String(required=True, metadata={"description": "Signed, expiring; for this reader"})
    content_type = fields.String(required=True)
    size = fields.Integer(required=True)


class MessageSchema(ma.Schema):
    id = fields.UUID(required=True)
    order_id = fields.UUID(required=True)
    sender_id = fields.String(required=True, allow_none=True)
    sender_role = fields.String(required=True, validate=validate.OneOf(PARTIES))
    text = fields.String(required=True)
    attachment_ids = fields.List(fields.String(), required=True)
    attachments = fields.List(fields.Nested(AttachmentSchema), required=True)
    created_at = moment(required=True)


class MessagePageSchema(PageSchema):
    items = fields.List(fields.Nested(MessageSchema), required=True)


class NotePageSchema(PageSchema):
    items = fields.List(fields.Nested(NoteSchema), required=True)


class ReviewSchema(ma.Schema):
    id = fields.UUID(required=True)
    order_id = fields.UUID(required=True)
    shop_id = fields.UUID(required=True)
    product_ids = fields.List(fields.String(), required=True)
    rating = fields.Integer(required=True, validate=validate.Range(min=1, max=5))
    text = fields.String(required=True)
    buyer_name = fields.String(required=True, metadata={"description": "The display name"})
    created_at = moment(required=True)


class ReviewPageSchema(PageSchema):
    items = fields.List(fields.Nested(ReviewSchema), required=True)
    average_rating = fields.Float(required=True, allow_none=True)


class ShipmentHistorySchema(ma.Schema):
    at = moment(required=True)
    from_ = fields.String(data_key="from", attribute="from", required=True, allow_none=True)
    to = fields.String(required=True)
    source = fields.String(required=True)
    note = fields.String(required=True, allow_none=True)


class ShipmentSchema(OrderShipmentSchema):
    """A shipment with its whole story (an order shows the summary)."""

    order_id = fields.UUID(required=True)
    shop_id = fields.UUID(required=True)
    notify_buyer = fields.Boolean(required=True)
    created_at = moment(required=True)
    updated_at = moment(required=True)
    history = fields.List(fields.Nested(ShipmentHistorySchema), required=True)
