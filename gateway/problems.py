"""Errors as `application/problem+json` (RFC 9457): the only place failures become HTTP.

Every error leaving the gateway has `type`, `title`, `status`, `detail` and `errors` (per field, empty
when the problem is not about fields); service errors also carry the service's `code`.
"""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

import marshmallow as ma
from flask import Response, current_app, g, json
from werkzeug.exceptions import HTTPException

from services.common.errors import ServiceError

from .rpc.errors import RemoteError, ServiceUnavailable

log = logging.getLogger("gateway.errors")

PROBLEM_JSON = "application/problem+json"

_KIND_STATUS = {"not_found": 404, "forbidden": 403, "invalid": 422, "conflict": 409,
                "unavailable": 503}


class ProblemSchema(ma.Schema):
    """What every error response looks like (for the OpenAPI document)."""

    type = ma.fields.String(required=True, metadata={"example": "/problems/validation"})
    title = ma.fields.String(required=True)
    status = ma.fields.Integer(required=True)
    detail = ma.fields.String(required=True)
    errors = ma.fields.Dict(
        keys=ma.fields.String(), values=ma.fields.List(ma.fields.String()), required=True,
        metadata={"description": "Messages per field (dotted path for nested fields)"},
    )
    code = ma.fields.String(metadata={"description": "The service's error code, when it gave one"})
    request_id = ma.fields.String()


def problem(status: int, detail: str | None = None, *, errors: dict[str, Any] | None = None,
            code: str | None = None, headers: dict[str, str] | None = None) -> Response:
    phrase = HTTPStatus(status).phrase
    body: dict[str, Any] = {
        "type": f"/problems/{phrase.lower().replace(' ', '-')}",
        "title": phrase,
        "status": status,
        "detail": detail or phrase,
        "errors": errors or {},
    }
    if code:
        body["code"] = code
    request_id = g.get("request_id")
    if request_id:
        body["request_id"] = request_id
    response = current_app.response_class(
        json.dumps(body), status=status, mimetype=PROBLEM_JSON
    )
    if status == 401:
        response.headers["WWW-Authenticate"] = "Bearer"
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def flatten_errors(messages: Any, prefix: str = "") -> dict[str, list[str]]:
    """marshmallow/webargs messages → `{"field": [...], "address.city": [...]}`.

    webargs nests messages under the location (`json`, `query`); that level is dropped.
    """
    flat: dict[str, list[str]] = {}
    if isinstance(messages, dict):
        for key, value in messages.items():
            if not prefix and key in ("json", "query", "querystring", "view_args", "headers", "form",
                                      "files"):
                flat.update(flatten_errors(value, ""))
                continue
            name = f"{prefix}.{key}" if prefix else str(key)
            flat.update(flatten_errors(value, name))
    elif isinstance(messages, list) and all(isinstance(m, str) for m in messages):
        flat[prefix or "_schema"] = list(messages)
    elif isinstance(messages, list):
        for index, value in enumerate(messages):
            flat.update(flatten_errors(value, f"{prefix}.{index}" if prefix else str(index)))
    else:
        flat[prefix or "_schema"] = [str(messages)]
    return flat


def handle_http_exception(error: HTTPException) -> Response:
    data = getattr(error, "data", None) or {}
    errors = data.get("errors") or data.get("messages")
    status = error.code or 500
    detail = data.get("message") or error.description
    if errors:
        errors = flatten_errors(errors)
        if status == 422:
            detail = "The request has invalid fields; see errors."
    if status == 500:
        log.error("unhandled error", extra={"status": 500})
        detail = "Internal error; quote the request id when reporting it."
    headers = dict(data.get("headers") or {})
    if status == 405 and getattr(error, "valid_methods", None):
        headers["Allow"] = ", ".join(error.valid_methods)
    return problem(status, detail, errors=errors, headers=headers)


def handle_service_unavailable(error: ServiceUnavailable) -> Response:
    log.warning("service unavailable", extra={"service": error.service, "reason": error.reason})
    retry_after = str(current_app.config["GATEWAY"].retry_after_seconds)
    return problem(
        503, f"The {error.service} service is unavailable; try again shortly.",
        headers={"Retry-After": retry_after},
    )


def handle_remote_error(error: RemoteError) -> Response:
    status = _KIND_STATUS.get(error.kind or "")
    if status is None:
        log.error(
            "service error",
            extra={"service": error.service, "exc_type": error.exc_type, "exc_path": error.exc_path},
        )
        return problem(500, "Internal error; quote the request id when reporting it.")
    headers = ({"Retry-After": str(current_app.config["GATEWAY"].retry_after_seconds)}
               if status == 503 else None)
    # Field errors (422) are flattened to `{path: [messages]}`; a conflict's `errors` carry what
    # it is about as the service gave it (`lines` short of stock, API.md).
    errors = {422: flatten_errors(error.errors), 409: error.errors}.get(status)
    return problem(status, error.detail, errors=errors, code=error.code, headers=headers)


def handle_local_error(error: ServiceError) -> Response:
    """The kernel's typed errors raised inside the gateway itself (identity)."""
    status = _KIND_STATUS.get(error.kind, 422)
    return problem(status, error.detail,
                   errors=flatten_errors(error.errors) if status == 422 else None, code=error.code)


def handle_unexpected(error: Exception) -> Response:
    log.exception("unhandled exception")
    return problem(500, "Internal error; quote the request id when reporting it.")


def register(app) -> None:
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(ServiceUnavailable, handle_service_unavailable)
    app.register_error_handler(RemoteError, handle_remote_error)
    app.register_error_handler(ServiceError, handle_local_error)
    app.register_error_handler(Exception, handle_unexpected)
