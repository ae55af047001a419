"""Notifications: a user's in-app notices (newest first, read marks, the unread count), a user's
choices of what to receive, and where a shop's order notices go (its owner's settings)."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from services.common.fields import StrictInteger

from .. import services
from ..api import ServiceBlueprint
from ..ownership import shop_owner
from ..schemas import PageSchema

blp = ServiceBlueprint(
    "notifications", __name__,
    description="In-app notices, notification preferences and shops' settings")

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


@blp.route("/notifications", methods=["GET"])
@blp.secured()
@blp.arguments(PageQuerySchema, location="query")
@blp.response(200, NoticePageSchema)
def list_notices(query):
    """The caller's notices (an admin also sees those addressed to every admin)."""
    return services.call("notifications", "list_notices", query["page"], query["per_page"])


class UnreadCountSchema(ma.Schema):
    count = StrictInteger(required=True)


@blp.route("/notifications/unread-count", methods=["GET"])
@blp.secured()
@blp.response(200, UnreadCountSchema)
def unread_count():
    """How many of the caller's notices are unread."""
    return services.call("notifications", "unread_count")


@blp.route("/notifications/<notice_id>/read", methods=["POST"])
@blp.secured()
@blp.response(204, problems=[404])
def mark_read(notice_id):
    """Mark one of the caller's notices read (anyone else's is a 404)."""
    services.call("notifications", "mark_read", notice_id)


@blp.route("/notifications/read-all", methods=["POST"])
@blp.secured()
@blp.response(204)
def mark_all_read():
    """Mark every notice of the caller read."""
    services.call("notifications", "mark_all_read")


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


@blp.route("/shops/<uuid:shop_id>/notification-settings", methods=["GET"])
@blp.secured("seller", "admin")
@blp.response(200, ShopNotificationSettingsSchema, problems=[404])
def get_shop_settings(shop_id):
    """Where the shop's order notices go (its owner only)."""
    return services.call("notifications", "get_shop_settings", str(shop_id))


@blp.route("/shops/<uuid:shop_id>/notification-settings", methods=["PUT"])
@blp.secured("seller", "admin", owner=shop_owner)
@blp.arguments(ShopNotificationSettingsSchema)
@blp.response(200, ShopNotificationSettingsSchema, problems=[404])
def put_shop_settings(body, shop_id):
    """Replace where the shop's order notices go (its owner only)."""
    return services.call("notifications", "put_shop_settings", str(shop_id),
                         services.as_json(body))


class ChannelChoiceSchema(ma.Schema):
    marketing = fields.Boolean(required=True, truthy={True}, falsy={False})


class PreferencesSchema(ma.Schema):
    channels = fields.Dict(
        keys=fields.String(validate=validate.OneOf(CHANNELS)),
        values=fields.Nested(ChannelChoiceSchema), required=True,
        metadata={"description": "Per channel (email, sms, telegram, in_app), whether marketing "
                                 "notices come by it; transactional ones (orders, payments, "
                                 "sanctions) always do. A PUT changes the channels it names."})


@blp.route("/me/notification-preferences", methods=["GET"])
@blp.secured()
@blp.response(200, PreferencesSchema)
def get_preferences():
    """What the caller chose to receive, per channel."""
    return services.call("notifications", "get_preferences")


@blp.route("/me/notification-preferences", methods=["PUT"])
@blp.secured()
@blp.arguments(PreferencesSchema)
@blp.response(200, PreferencesSchema)
def put_preferences(body):
    """Change what the caller receives by the channels named."""
    return services.call("notifications", "put_preferences", services.as_json(body))
