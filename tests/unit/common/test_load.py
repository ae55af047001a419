"""One error shape: every refused field is a list of messages under its dotted path."""

import pytest
from marshmallow import RAISE, Schema, fields, validate

from services.common.errors import Invalid
from services.common.schemas import field_errors, load


class Line(Schema):
    quantity = fields.Integer(required=True, validate=validate.Range(min=1))


class Body(Schema):
    class Meta:
        unknown = RAISE

    text = fields.String(required=True)
    lines = fields.List(fields.Nested(Line), required=True)


def test_refused_fields_are_lists_of_strings_under_dotted_paths():
    with pytest.raises(Invalid) as refused:
        load(Body, {"lines": [{"quantity": 1}, {"quantity": 0}], "extra": 1})
    assert refused.value.errors == {
        "text": ["Missing data for required field."],
        "lines.1.quantity": ["Must be greater than or equal to 1."],
        "extra": ["Unknown field."],
    }
    assert refused.value.code == "validation_failed"


def test_a_body_that_is_not_an_object_is_refused_as_a_whole():
    with pytest.raises(Invalid) as refused:
        load(Body, ["text"])
    assert refused.value.errors == {"_schema": ["Must be a JSON object."]}


def test_schema_level_messages_stay_with_their_object():
    assert field_errors({"_schema": ["Pick one."], "a": {"_schema": ["Bad."]}}) == {
        "_schema": ["Pick one."], "a": ["Bad."]}
