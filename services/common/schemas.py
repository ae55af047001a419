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
    in, checked and converted by `schema`, or `error` naming each field at fault (`Invalid` with
    the code `validation_failed`, or a service's own subclass with its code)."""
    code = "validation_failed" if error is Invalid else None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise error("The body must be a JSON object.", code, {"_schema": ["Must be a JSON object."]})
    try:
        return shared(schema).load({**data, **ids} if ids else data, partial=partial)
    except ValidationError as exc:
        raise error(detail, code, field_errors(exc.messages)) from None


def field_errors(messages: Any, prefix: str = "") -> dict[str, list[str]]:
    """Marshmallow's nested messages (or a domain's `{path: message}`) as
    `{dotted.path: [message, ...]}`; `_schema` names the object the messages are about."""
    flat: dict[str, list[str]] = {}
    if isinstance(messages, dict):
        for key, value in messages.items():
            path = prefix if key == "_schema" and prefix else (
                "_schema" if key == "_schema" else f"{prefix}.{key}" if prefix else str(key))
            for field, texts in field_errors(value, path).items():
                flat.setdefault(field, []).extend(texts)
    elif isinstance(messages, list | tuple) and all(isinstance(m, str) for m in messages):
        flat[prefix or "_schema"] = list(messages)
    elif isinstance(messages, list | tuple):
        for index, value in enumerate(messages):
            flat.update(field_errors(value, f"{prefix}.{index}" if prefix else str(index)))
    else:
        flat[prefix or "_schema"] = [str(messages)]
    return flat
