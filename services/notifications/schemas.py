"""What enters the notifications service."""

from __future__ import annotations

from marshmallow import RAISE, Schema, fields, validate

from services.common.paging import MAX_PER_PAGE


class PageIn(Schema):
    class Meta:
        unknown = RAISE

    page = fields.Integer(strict=True, load_default=1, validate=validate.Range(min=1))
    per_page = fields.Integer(strict=True, load_default=20,
                              validate=validate.Range(min=1, max=MAX_PER_PAGE))
