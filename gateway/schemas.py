"""Shapes the answers of every area share: instants and days as the services write them, money, and
a page of a list. Each area's `schemas.py` builds on these."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields

from services.common.fields import MoneySchema


def moment(**kwargs) -> fields.String:
    """A UTC instant as the services write it (ISO 8601 with its offset)."""
    return fields.String(metadata={"format": "date-time"}, **kwargs)


def day(**kwargs) -> fields.String:
    """A calendar day (ISO 8601)."""
    return fields.String(metadata={"format": "date"}, **kwargs)


def money(**kwargs) -> fields.Nested:
    """`{amount, currency}`: an integer of minor units and the ISO 4217 currency."""
    return fields.Nested(MoneySchema, **kwargs)


class PageSchema(ma.Schema):
    """A page of a list: which page, its size and how many there are in all. Each list adds its
    `items`."""

    page = fields.Integer(required=True)
    per_page = fields.Integer(required=True)
    total = fields.Integer(required=True)
