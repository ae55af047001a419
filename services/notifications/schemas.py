"""What enters the notifications service."""

from __future__ import annotations

from marshmallow import RAISE, Schema, ValidationError, fields, post_load, validate

from services.common.paging import MAX_PER_PAGE

from .domain.preferences import CHANNELS

PHONE = r"^\+[1-9][0-9]{6,14}$"  # E.164: +79991234567
# A Telegram chat: a numeric id (negative for groups), or a public channel's @username.
TELEGRAM_CHAT = r"^(-?[0-9]{1,20}|@[A-Za-z][A-Za-z0-9_]{4,31})$"
MAX_ORDER_EMAILS = 10


class Strict(Schema):
    class Meta:
        unknown = RAISE


class PageIn(Strict):
    page = fields.Integer(strict=True, load_default=1, validate=validate.Range(min=1))
    per_page = fields.Integer(strict=True, load_default=20,
                              validate=validate.Range(min=1, max=MAX_PER_PAGE))


class NoticeRef(Strict):
    notice_id = fields.String(required=True, validate=validate.Length(min=1, max=64))


class ShopRef(Strict):
    shop_id = fields.UUID(required=True)
    body = fields.Raw(load_default=None)

    @post_load
    def _text(self, data, **_):
        return {**data, "shop_id": str(data["shop_id"])}


class ChatId(fields.Field):
    """A chat id as Telegram gives it (a JSON number or string), kept as text."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool) or not isinstance(value, int | str):
            raise ValidationError("Not a valid chat id.")
        value = str(value).strip()
        validate.Regexp(TELEGRAM_CHAT, error="Not a valid chat id: a number or @channel.")(value)
        return value


class ShopSettingsIn(Strict):
    order_emails = fields.List(fields.Email(validate=validate.Length(max=320)), load_default=None,
                               allow_none=True, validate=validate.Length(max=MAX_ORDER_EMAILS))
    sms_phone = fields.String(load_default=None, allow_none=True,
                              validate=validate.Regexp(PHONE, error="Not a phone number in "
                                                       "international form (+79991234567)."))
    telegram_chat_id = ChatId(load_default=None, allow_none=True)

    @post_load
    def _once_each(self, data, **_):
        emails = data.get("order_emails")
        if emails is not None:
            seen, kept = set(), []
            for address in emails:
                address = address.strip()
                if address.lower() not in seen:
                    seen.add(address.lower())
                    kept.append(address)
            data["order_emails"] = kept
        return data


class ChannelChoice(Strict):
    marketing = fields.Boolean(required=True, truthy={True}, falsy={False})


class PreferencesIn(Strict):
    channels = fields.Dict(keys=fields.String(validate=validate.OneOf(CHANNELS)),
                           values=fields.Nested(ChannelChoice), required=True)
