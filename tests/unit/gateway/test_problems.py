from gateway.problems import flatten_errors


def test_webargs_locations_are_dropped_and_nested_fields_dotted():
    messages = {"json": {"email": ["Not a valid email address."],
                         "address": {"city": ["Missing data for required field."]},
                         "lines": {0: {"quantity": ["Must be an integer."]}}}}
    assert flatten_errors(messages) == {
        "email": ["Not a valid email address."],
        "address.city": ["Missing data for required field."],
        "lines.0.quantity": ["Must be an integer."],
    }


def test_a_schema_level_message_is_kept_under_schema():
    assert flatten_errors({"json": {"_schema": ["Invalid input type."]}}) == {
        "_schema": ["Invalid input type."]
    }
