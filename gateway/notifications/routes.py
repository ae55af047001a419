"""A user's in-app notices, newest first."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from services.common.fields import StrictInteger

from .. import services
from ..api import PREFIX, Blueprint

blp = Blueprint("notifications", __name__, url_prefix=PREFIX, description="In-app notices")


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


class NoticePageSchema(ma.Schema):
    items = fields.List(fields.Nested(NoticeSchema), required=True)
    page = StrictInteger(required=True)
    per_page = StrictInteger(required=True)
    total = StrictInteger(required=True)


@blp.route("/notifications", methods=["GET"])
@blp.secured()
@blp.arguments(PageQuerySchema, location="query")
@blp.response(200, NoticePageSchema)
@blp.problems(503)
def list_notices(query):
    """The caller's notices (an admin also sees those addressed to every admin)."""
    return services.call("notifications", "list_notices", query["page"], query["per_page"])
