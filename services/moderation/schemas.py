"""What enters the moderation service."""

from __future__ import annotations

from marshmallow import RAISE, Schema, fields


class CustomerIn(Schema):
    class Meta:
        unknown = RAISE

    customer_id = fields.UUID(required=True)
