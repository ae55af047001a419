"""The event envelope and the registry of event contracts.

Every event travels in one envelope: `id`, `type`, `version`, `occurred_at`, `producer`,
`correlation_id`, `data`. Each type's `data` has a marshmallow schema, registered in
`services.common.contracts`. Producers are strict (unknown fields refused); consumers are tolerant
readers of a newer producer's extra fields.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from marshmallow import EXCLUDE, RAISE, Schema, ValidationError, fields, validate

from .fields import shared


class UnknownEventType(ValueError):
    """An event type that no contract describes."""


class InvalidEvent(ValueError):
    """An envelope or data that does not match its contract; retrying will not help."""


@dataclass(frozen=True)
class Contract:
    type: str
    version: int
    schema: type[Schema]


@dataclass(frozen=True)
class Event:
    id: str
    type: str
    version: int
    occurred_at: datetime
    producer: str
    correlation_id: str | None
    data: dict[str, Any]


class EnvelopeSchema(Schema):
    class Meta:
        unknown = RAISE

    id = fields.UUID(required=True)
    type = fields.String(required=True, validate=validate.Length(min=3, max=100))
    version = fields.Integer(required=True, strict=True, validate=validate.Range(min=1))
    occurred_at = fields.AwareDateTime(required=True, format="iso")
    producer = fields.String(required=True, validate=validate.Length(min=1, max=50))
    correlation_id = fields.String(load_default=None, allow_none=True)
    data = fields.Dict(keys=fields.String(), required=True)


_ENVELOPE = EnvelopeSchema()
_TYPE_NAME = re.compile(r"^[a-z_]+(\.[a-z_]+)+$")
REGISTRY: dict[str, Contract] = {}


def register(type_: str, schema: type[Schema], version: int = 1) -> None:
    if not _TYPE_NAME.match(type_):
        raise ValueError(f"event type {type_!r} is not of the form entity.past_tense")
    existing = REGISTRY.get(type_)
    if existing and existing.schema is not schema:
        raise ValueError(f"event type {type_!r} is already registered")
    REGISTRY[type_] = Contract(type_, version, schema)


def contract_for(type_: str) -> Contract:
    _load_contracts()
    try:
        return REGISTRY[type_]
    except KeyError:
        raise UnknownEventType(f"no contract for event type {type_!r}") from None


def validate_data(type_: str, data: dict[str, Any]) -> dict[str, Any]:
    """Check `data` against its contract; returns it in its JSON form. Raises before anything is written."""
    schema = shared(contract_for(type_).schema, unknown=RAISE)
    try:
        return schema.dump(schema.load(data))
    except ValidationError as exc:
        raise InvalidEvent(f"invalid data for {type_}: {exc.messages}") from exc


def make_envelope(
    type_: str,
    data: dict[str, Any],
    *,
    producer: str,
    occurred_at: datetime,
    correlation_id: str | None = None,
    event_id: str | None = None,
) -> dict[str, Any]:
    contract = contract_for(type_)
    return {
        "id": event_id or str(uuid.uuid4()),
        "type": type_,
        "version": contract.version,
        "occurred_at": occurred_at.isoformat(),
        "producer": producer,
        "correlation_id": correlation_id,
        "data": validate_data(type_, data),
    }


def parse(body: Any) -> Event:
    """Validate a received envelope and its data; raises `InvalidEvent` or `UnknownEventType`."""
    if not isinstance(body, dict):
        raise InvalidEvent(f"an event must be a JSON object, got {type(body).__name__}")
    try:
        envelope = _ENVELOPE.load(body)
    except ValidationError as exc:
        raise InvalidEvent(f"invalid envelope: {exc.messages}") from exc
    contract = contract_for(envelope["type"])
    try:
        data = shared(contract.schema, unknown=EXCLUDE).load(envelope["data"])
    except ValidationError as exc:
        raise InvalidEvent(f"invalid data for {envelope['type']}: {exc.messages}") from exc
    return Event(
        id=str(envelope["id"]),
        type=envelope["type"],
        version=envelope["version"],
        occurred_at=envelope["occurred_at"],
        producer=envelope["producer"],
        correlation_id=envelope["correlation_id"],
        data=data,
    )


def topic_matches(pattern: str, type_: str) -> bool:
    """AMQP topic matching on dot-separated words: `*` is one word, `#` zero or more."""

    def match(p: list[str], k: list[str]) -> bool:
        if not p:
            return not k
        if p[0] == "#":
            return match(p[1:], k) or (bool(k) and match(p, k[1:]))
        return bool(k) and p[0] in ("*", k[0]) and match(p[1:], k[1:])

    return match(pattern.split("."), type_.split("."))


def types_matching(pattern: str) -> list[str]:
    _load_contracts()
    return sorted(t for t in REGISTRY if topic_matches(pattern, t))


def _load_contracts() -> None:
    from . import contracts  # noqa: F401 - registers the product's contracts on import
