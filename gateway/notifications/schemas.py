"""What the notifications routes accept and return."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from services.common.fields import StrictInteger

from ..schemas import PageSchema

PHONE = r"^\+[1-9][0-9]{6,14}$"
TELEGRAM_CHAT = r"^(-?[0-9]{1,20}|@[A-Za-z][A-Za-z0-9_]{4,31})$"
CHANNELS = ("email", "sms", "telegram", "in_app")


class PageQuerySchema(ma.Schema):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=10_000))
    per_page = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))


class NoticeSchema(ma.Schema):
    id = fields.String(required=True)
    type = fields.String(required=True)
    title = fields.String(required=True)
    body = fields.String(required=True)
    order_id = fields.String(allow_none=True)
    # What the client needs beyond the text, per type: totals and reason (order.amount_changed),
    # note and attachment_ids (order.balance_requested), shop_id, status, placed_at
    # (order.unshipped_at_close); {} for the others.
    data = fields.Dict(keys=fields.String(), required=True)
    read = fields.Boolean(required=True)
    created_at = fields.String(required=True)


class NoticePageSchema(PageSchema):
    items = fields.List(fields.Nested(NoticeSchema), required=True)


class UnreadCountSchema(ma.Schema):
    count = StrictInteger(required=True)


class ChatIdField(fields.Field):
    """A Telegram chat: a number (negative for groups) or a public channel's @username; a JSON
    number or string."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool) or not isinstance(value, int | str):
            raise ma.ValidationError("Not a valid chat id.")
        value = str(value).strip()
        validate.Regexp(TELEGRAM_CHAT, error="Not a valid chat id: a number or @channel.")(value)
        return value

    def _serialize(self, value, attr, obj, **kwargs):
        return value


class ShopNotificationSettingsSchema(ma.Schema):
    order_emails = fields.List(
        fields.Email(validate=validate.Length(max=320)), allow_none=True,
        validate=validate.Length(max=10),
        metadata={"description": "Each gets every order e-mail once; null or absent: the "
                                 "owner's own address; [] none."})
    sms_phone = fields.String(allow_none=True, validate=validate.Regexp(
        PHONE, error="Not a phone number in international form (+79991234567)."),
        metadata={"description": "SMS of every order's news; absent or null: none."})
    telegram_chat_id = ChatIdField(allow_none=True, metadata={
        "type": "string", "description": "Telegram chat of every order's news (the bot writes "
                                         "there); absent or null: none."})


class ChannelChoiceSchema(ma.Schema):
    marketing = fields.Boolean(required=True, truthy={True}, falsy={False})


class PreferencesSchema(ma.Schema):
    channels = fields.Dict(
        keys=fields.String(validate=validate.OneOf(CHANNELS)),
        values=fields.Nested(ChannelChoiceSchema), required=True,
        metadata={"description": "Per channel (email, sms, telegram, in_app), whether marketing "
                                 "notices come by it; transactional ones (orders, payments, "
                                 "sanctions) always do. A PUT changes the channels it names."})
