"""What the delivery routes accept and return. The shipping service checks the rules (tier order,
weight limits, carriers' tracking numbers); these check the shapes."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from services.common.fields import MinorUnits, MoneySchema, StrictInteger

CARRIERS = ["russian_post", "cdek", "courier", "pek", "boxberry", "other", "pickup"]
BASES = ["fixed", "price", "weight", "quantity"]


class DestinationSchema(ma.Schema):
    country = fields.String(required=True, validate=validate.Length(equal=2))
    region = fields.String(validate=validate.Length(min=1, max=200), allow_none=True)
    city = fields.String(validate=validate.Length(min=1, max=200), allow_none=True)


class WeightLimitSchema(ma.Schema):
    min = StrictInteger(validate=validate.Range(min=0), allow_none=True)
    max = StrictInteger(validate=validate.Range(min=0), allow_none=True)


class TierSchema(ma.Schema):
    from_ = StrictInteger(data_key="from", required=True, validate=validate.Range(min=0))
    cost = MinorUnits(required=True)

    @ma.post_load
    def as_sent(self, data, **_kwargs):
        return {"from": data["from_"], "cost": data["cost"]}


class RateSchema(ma.Schema):
    basis = fields.String(required=True, validate=validate.OneOf(BASES))
    tiers = fields.List(fields.Nested(TierSchema), validate=validate.Length(min=1, max=100))
    base = MinorUnits()
    percent_per_extra_item = StrictInteger(validate=validate.Range(min=0, max=1000))


class PickupSchema(ma.Schema):
    address = fields.String(required=True, validate=validate.Length(min=1, max=300),
                            metadata={"description": "Where the buyer collects the order"})
    hours = fields.String(required=True, validate=validate.Length(min=1, max=200),
                          metadata={"description": "When, e.g. Mon–Fri 10:00–19:00"})


PICKUP_DESCRIPTION = ("Carrier `pickup` only, and required for it: the shop's pickup address and "
                      "hours. A pickup has a `fixed` rate (0 when left out) and no tracking.")


class MethodFields(ma.Schema):
    name = fields.String(validate=validate.Length(min=1, max=200))
    carrier = fields.String(validate=validate.OneOf(CARRIERS))
    destinations = fields.List(fields.Nested(DestinationSchema), validate=validate.Length(max=200))
    weight_limit_grams = fields.Nested(WeightLimitSchema)
    free_delivery_applies = fields.Boolean()
    rate = fields.Nested(RateSchema)
    delivery_days = StrictInteger(validate=validate.Range(min=0, max=365))
    enabled = fields.Boolean()
    pickup = fields.Nested(PickupSchema, allow_none=True,
                           metadata={"description": PICKUP_DESCRIPTION})


class MethodCreateSchema(MethodFields):
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    carrier = fields.String(required=True, validate=validate.OneOf(CARRIERS))
    rate = fields.Nested(RateSchema, metadata={
        "description": "Required, except for a pickup (fixed 0 when left out)"})


class MethodSchema(ma.Schema):
    id = fields.String(required=True)
    name = fields.String(required=True)
    carrier = fields.String(required=True)
    universal = fields.Boolean(required=True)
    enabled = fields.Boolean(required=True)
    destinations = fields.List(fields.Dict())
    weight_limit_grams = fields.Dict(allow_none=True)
    free_delivery_applies = fields.Boolean()
    rate = fields.Dict(allow_none=True)
    delivery_days = fields.Integer(allow_none=True)
    cost = fields.Nested(MoneySchema, allow_none=True,
                         metadata={"description": "null: the seller quotes after the order"})
    pickup = fields.Nested(PickupSchema, metadata={"description": "A pickup method's address "
                                                                  "and hours"})


class MethodListSchema(ma.Schema):
    items = fields.List(fields.Nested(MethodSchema), required=True)


class QuoteItemSchema(ma.Schema):
    product_id = fields.UUID(required=True)
    quantity = StrictInteger(required=True, validate=validate.Range(min=1, max=100_000))
    options = fields.Dict(keys=fields.String(), load_default=dict)


class QuoteRequestSchema(ma.Schema):
    shop_id = fields.UUID(required=True)
    destination = fields.Nested(DestinationSchema, required=True)
    items = fields.List(fields.Nested(QuoteItemSchema), required=True,
                        validate=validate.Length(min=1, max=100))


class QuotedMethodSchema(ma.Schema):
    id = fields.String(required=True)
    name = fields.String(required=True)
    carrier = fields.String()
    cost = fields.Nested(MoneySchema, required=True, allow_none=True,
                         metadata={"description": "null: the seller quotes after the order"})
    delivery_days = fields.Integer(allow_none=True)
    pickup = fields.Nested(PickupSchema, metadata={"description": "A pickup method's address "
                                                                  "and hours"})


class QuoteSchema(ma.Schema):
    methods = fields.List(fields.Nested(QuotedMethodSchema), required=True)
