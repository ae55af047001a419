"""Loading what enters a service: one function, one error shape.

    data = load(schemas.NoteIn, body, order_id=order_id)

Refused input is `Invalid` (422) whose `errors` map each field, by its dotted path
(`lines.0.quantity`; `_schema` for the object as a whole), to a list of messages: the one shape of
field errors in every service and at the gateway.
"""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError

from .errors import Invalid
from .fields import shared


def load(schema: type[Schema], data: Any = None, *, partial: bool = False,
         detail: str = "The request has invalid fields.", error: type[Invalid] = Invalid,
         **ids: Any) -> dict[str, Any]:
    """`data` (a JSON object; None reads as `{}`) with the path's `ids` (`order_id=...`) merged
    in, checked and converted by `schema`, or `error` (`Invalid` or a subclass) naming each field
    at fault."""
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise error("The body must be a JSON object.", "validation_failed",
                    {"_schema": ["Must be a JSON object."]})
    try:
        return shared(schema).load({**data, **ids} if ids else data, partial=partial)
    except ValidationError as exc:
        raise error(detail, "validation_failed", field_errors(exc.messages)) from None


def field_errors(messages: Any, prefix: str = "") -> dict[str, list[str]]:
    """Marshmallow's nested messages as `{dotted.path: [message, ...]}`."""
    if isinstance(messages, dict):
        flat: dict[str, list[str]] = {}
        for key, value in messages.items():
            path = prefix if key == "_schema" and prefix else (
                "_schema" if key == "_schema" else f"{prefix}{key}")
            for field, texts in field_errors(value, f"{path}.").items():
                flat.setdefault(field, []).extend(texts)
        return flat
    field = prefix.rstrip(".") or "_schema"
    if isinstance(messages, list | tuple):
        texts: list[str] = []
        for message in messages:
            if isinstance(message, dict):
                return field_errors(message, prefix)
            texts.append(str(message))
        return {field: texts}
    return {field: [str(messages)]}
