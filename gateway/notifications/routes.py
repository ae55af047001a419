"""Notifications: a user's in-app notices (newest first, read marks, the unread count), a user's
choices of what to receive, and where a shop's order notices go (its owner's settings)."""

from __future__ import annotations

from .. import services
from ..api import ServiceBlueprint
from ..ownership import shop_owner
from .schemas import (
    NoticePageSchema,
    PageQuerySchema,
    PreferencesSchema,
    ShopNotificationSettingsSchema,
    UnreadCountSchema,
)

blp = ServiceBlueprint(
    "notifications", __name__,
    description="In-app notices, notification preferences and shops' settings")


@blp.route("/notifications", methods=["GET"])
@blp.secured()
@blp.arguments(PageQuerySchema, location="query")
@blp.response(200, NoticePageSchema)
def list_notices(query):
    """The caller's notices (an admin also sees those addressed to every admin)."""
    return services.call("notifications", "list_notices", query["page"], query["per_page"])


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
