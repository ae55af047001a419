"""Marshmallow fields shared by every boundary: strict integers and money."""

from __future__ import annotations

import functools

from marshmallow import Schema, ValidationError, fields, validate


@functools.cache
def shared(schema: type[Schema], **options) -> Schema:
    """One instance of `schema` (made with `options`) per process: making one copies every declared
    field (hundreds of microseconds for a large schema), and loading or dumping only reads it."""
    return schema(**options)


class StrictInteger(fields.Integer):
    """A JSON integer and nothing else: refuses strings, floats (even 1000.0) and booleans."""

    def __init__(self, **kwargs):
        super().__init__(strict=True, **kwargs)

    def _validated(self, value):
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValidationError("Must be an integer (minor units), e.g. 100000 for 1000.00.")
        return super()._validated(value)


class StrictBoolean(fields.Boolean):
    """A JSON `true` or `false` and nothing else: refuses 1, 0, "true" and null."""

    default_error_messages = {"invalid": "Must be a boolean."}

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, bool):
            raise self.make_error("invalid")
        return value


def MinorUnits(**kwargs) -> StrictInteger:  # noqa: N802 - reads as a field type
    """A money amount in a request body: a non-negative JSON integer of minor units."""
    kwargs.setdefault("validate", validate.Range(min=0))
    return StrictInteger(**kwargs)


class MoneySchema(Schema):
    amount = StrictInteger(required=True)
    currency = fields.String(required=True, validate=validate.Length(equal=3))
