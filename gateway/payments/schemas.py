"""What the payments routes accept and return. The payments service checks the rules (credentials
without inner spaces, when online payment may be on, which part is payable, refunds within what
was paid); these check the shapes. A secret key is accepted, never returned."""

from __future__ import annotations

from decimal import Decimal

import marshmallow as ma
from marshmallow import fields, validate

from services.common.fields import MoneySchema, StrictInteger

PROVIDERS = ["sandbox", "yookassa", "paypal"]
TIMINGS = ["after_confirmation", "at_checkout"]
PARTS = ["full", "advance", "balance"]


def _return_url(who: str) -> fields.Url:
    return fields.Url(required=True, schemes={"http", "https"}, require_tld=False,
                      metadata={"description": f"Where the provider sends the {who} back"})


class SettingsInSchema(ma.Schema):
    provider = fields.String(required=True, validate=validate.OneOf(PROVIDERS))
    account_id = fields.String(required=True, validate=validate.Length(min=1, max=200),
                               metadata={"description": "The shop id at the provider; outer "
                                                        "spaces are trimmed, inner ones refused"})
    secret_key = fields.String(load_only=True, validate=validate.Length(min=1, max=500),
                               metadata={"description": "Required the first time; stored "
                                                        "encrypted and never returned"})
    enabled = fields.Boolean(load_default=False, truthy={True}, falsy={False})
    # A plain check, not `validate.Range`: apispec would write the bounds as the strings the field
    # serialises to ("100.00"), which OpenAPI refuses.
    surcharge_percent = fields.Decimal(allow_none=True, places=2, as_string=True,
                                       validate=lambda p: Decimal(0) <= p <= Decimal(100),
                                       error_messages={"validator_failed": "From 0 to 100."},
                                       metadata={"minimum": 0, "maximum": 100})
    surcharge_label = fields.String(allow_none=True, validate=validate.Length(max=100))
    timing = fields.String(load_default="after_confirmation", validate=validate.OneOf(TIMINGS))


class SettingsSchema(ma.Schema):
    shop_id = fields.String()
    provider = fields.String(allow_none=True)
    account_id = fields.String(allow_none=True)
    secret_key_set = fields.Boolean(metadata={"description": "Whether a secret key is stored"})
    enabled = fields.Boolean()
    surcharge_percent = fields.String(allow_none=True, metadata={"example": "2.50"})
    surcharge_label = fields.String(allow_none=True)
    timing = fields.String()
    plan = fields.String()
    commission_percent = fields.String()
    online_payment_allowed = fields.Boolean()


class PlanInSchema(ma.Schema):
    plan = fields.String(required=True, validate=validate.Length(min=1, max=40),
                         metadata={"example": "pro"})


class PlanSchema(ma.Schema):
    shop_id = fields.String()
    plan = fields.String()
    commission_percent = fields.String()
    online_payment_allowed = fields.Boolean()


class PaymentInSchema(ma.Schema):
    part = fields.String(required=True, validate=validate.OneOf(PARTS))
    return_url = _return_url("buyer")


class PaymentSchema(ma.Schema):
    id = fields.String()
    order_id = fields.String()
    part = fields.String()
    status = fields.String(metadata={"description": "pending, succeeded or failed"})
    amount = fields.Nested(MoneySchema)
    refunded = fields.Nested(MoneySchema)
    confirmation_url = fields.String(allow_none=True)
    created_at = fields.String()


class RefundInSchema(ma.Schema):
    amount = StrictInteger(required=True, validate=validate.Range(min=1))
    reason = fields.String(required=True, validate=validate.Length(min=1, max=500))


class RefundSchema(ma.Schema):
    id = fields.String()
    payment_id = fields.String()
    order_id = fields.String()
    amount = fields.Nested(MoneySchema)
    reason = fields.String()
    status = fields.String()
    created_at = fields.String()


class PaymentListSchema(ma.Schema):
    payments = fields.List(fields.Nested(PaymentSchema))
    refunds = fields.List(fields.Nested(RefundSchema))


class IdempotencyKeySchema(ma.Schema):
    idempotency_key = fields.String(
        data_key="Idempotency-Key", validate=validate.Length(min=1, max=200),
        metadata={"description": "Required: the same key returns the same result"})


class LedgerEntrySchema(ma.Schema):
    id = fields.String()
    kind = fields.String(metadata={"description": "`commission` (owed) or `payment` (of debt)"})
    amount = fields.Nested(MoneySchema, metadata={"description": "Positive for a commission, "
                                                                 "negative for a payment"})
    order_id = fields.String(metadata={"description": "A commission's order"})
    base = fields.Nested(MoneySchema, metadata={"description": "The items after discounts"})
    percent = fields.String(allow_none=True, metadata={"example": "5.00"})
    plan = fields.String(allow_none=True)
    payment_id = fields.String(metadata={"description": "A payment's id"})
    created_at = fields.String()
    due_at = fields.String(allow_none=True)


class LedgerSchema(ma.Schema):
    shop_id = fields.String()
    balance = fields.Nested(MoneySchema, metadata={"description": "Owed to the platform "
                                                                  "(negative: a credit)"})
    overdue = fields.Nested(MoneySchema, metadata={"description": "Owed past its due date"})
    overdue_since = fields.String(allow_none=True)
    entries = fields.List(fields.Nested(LedgerEntrySchema))


class LedgerPaymentInSchema(ma.Schema):
    return_url = _return_url("seller")


class LedgerPaymentSchema(ma.Schema):
    id = fields.String()
    shop_id = fields.String()
    status = fields.String()
    amount = fields.Nested(MoneySchema)
    confirmation_url = fields.String(allow_none=True)
    created_at = fields.String()
