"""Marshmallow schemas for what enters the payments service.

The envelopes (`ShopIn`, `OrderIn`, `PaymentIn`) check ids before the action runs; the bodies
(`SettingsBody`, `PaymentBody`, `RefundBody`, `PlanBody`,
`LedgerPaymentBody`) are loaded by the actions once the
caller is authorized (403/404 before 422). Unknown fields are refused.
"""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, post_load, validate

from services.common.fields import StrictBoolean, StrictInteger
from services.common.schemas import load

from .domain.shop_settings import PROVIDERS, TIMINGS

__all__ = ["load"]


class _Ids(Schema):
    @post_load
    def _text_ids(self, data: dict[str, Any], **kwargs) -> dict[str, Any]:
        return {key: str(value) if key.endswith("_id") and value is not None else value
                for key, value in data.items()}


class ShopIn(_Ids):
    shop_id = fields.UUID(required=True)
    key = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=200))
    body = fields.Raw(load_default=None)


class OrderIn(_Ids):
    order_id = fields.UUID(required=True)
    key = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=200))
    body = fields.Raw(load_default=None)


class PaymentIn(_Ids):
    payment_id = fields.UUID(required=True)
    key = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=200))
    body = fields.Raw(load_default=None)


class SettingsBody(Schema):
    provider = fields.String(required=True, validate=validate.OneOf(PROVIDERS))
    account_id = fields.String(required=True, validate=validate.Length(max=200))
    # Optional once a key is stored: the seller cannot read it back to send it again.
    secret_key = fields.String(load_default=None, validate=validate.Length(max=500))
    enabled = StrictBoolean(load_default=False)
    surcharge_percent = fields.Decimal(load_default=None, allow_none=True, places=2,
                                       validate=validate.Range(min=0, max=100))
    surcharge_label = fields.String(load_default=None, allow_none=True,
                                    validate=validate.Length(max=100))
    timing = fields.String(load_default="after_confirmation", validate=validate.OneOf(TIMINGS))


class PlanBody(Schema):
    plan = fields.String(required=True, validate=validate.Length(min=1, max=40))


class PaymentBody(Schema):
    part = fields.String(required=True, validate=validate.OneOf(("full", "advance", "balance")))
    return_url = fields.Url(required=True, schemes={"http", "https"}, require_tld=False)


class LedgerPaymentBody(Schema):
    return_url = fields.Url(required=True, schemes={"http", "https"}, require_tld=False)


class RefundBody(Schema):
    amount = StrictInteger(required=True, validate=validate.Range(min=1))
    reason = fields.String(required=True, validate=validate.Length(min=1, max=500))
