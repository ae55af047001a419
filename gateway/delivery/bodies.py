"""Bodies the gateway forwards as they came, for a service that must authorize the caller before
it validates them (API.md: 403/404 before 422).

The edge has already refused what is not JSON (415), too large (413) or broken (400); the
service checks the shape and the rules and answers per field. The schema is still the documented
request body (`documented_body`), so the OpenAPI document describes it.
"""

from __future__ import annotations

from typing import Any

from flask import request


def raw_json() -> Any:
    """The request's JSON body as sent, or None when there is none."""
    if not request.get_data(cache=True).strip():
        return None
    return request.get_json(force=True, silent=True)


def documented_body(schema, *, required: bool = True) -> dict:
    """`@blp.doc(requestBody=...)`: documents `schema` as the JSON body without validating it."""
    return {"required": required, "content": {"application/json": {"schema": schema}}}
