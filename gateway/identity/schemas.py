"""What identity's routes accept and return."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

ROLE = validate.OneOf(["buyer", "seller", "admin"])


class RegisterSchema(ma.Schema):
    email = fields.Email(required=True, validate=validate.Length(max=320))
    password = fields.String(required=True, load_only=True, validate=validate.Length(min=8, max=128))
    name = fields.String(required=True, validate=[
        validate.Length(min=1, max=200),
        # Not blank. Spelled out (not \S) so Python and JSON Schema's regex agree on "blank".
        validate.Regexp(r"^[ \t\n\r\f\v]*[^ \t\n\r\f\v]", error="Must not be blank."),
    ])
    # (?!\n) keeps Python's `$` from accepting a trailing newline that JSON Schema would refuse.
    phone = fields.String(validate=validate.Regexp(r"^\+?[0-9 ()-]{5,32}(?!\n)$"))
    locale = fields.String(load_default="en", validate=validate.OneOf(["en", "ru"]))
    role = fields.String(required=True, validate=validate.OneOf(["buyer", "seller"]))


class LoginSchema(ma.Schema):
    email = fields.String(required=True, validate=validate.Length(min=1, max=320))
    password = fields.String(required=True, load_only=True, validate=validate.Length(min=1, max=128))


class UserSchema(ma.Schema):
    id = fields.UUID(required=True)
    email = fields.Email(required=True)
    name = fields.String(required=True)
    roles = fields.List(fields.String(validate=ROLE), required=True)


class MeSchema(UserSchema):
    shop_id = fields.UUID(
        allow_none=True,
        metadata={"description": "A seller's shop (null until they open one); absent for others"},
    )


class TokenSchema(ma.Schema):
    access_token = fields.String(required=True)
    token_type = fields.String(required=True, validate=validate.Equal("Bearer"))
    expires_in = fields.Integer(required=True, metadata={"description": "Seconds"})


class CustomerCardSchema(ma.Schema):
    registered_at = fields.AwareDateTime(required=True, format="iso")
    orders_closed = fields.Integer(required=True)
    orders_cancelled = fields.Integer(required=True)
    reviews_left = fields.Integer(required=True)
    complaints_from_sellers = fields.Integer(required=True)
