"""What every request goes through before and after its view.

Order on the way in: request id → identity and role (401/403) → body size (413) → media type (415)
→ JSON syntax (400) → no NUL characters in text, body or query (422; no database stores them) →
the view's marshmallow schema (422). On the way out every response gets
`X-Request-ID`, one JSON access-log line and its metrics.
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Callable

from flask import Flask, abort, current_app, g, request
from werkzeug.exceptions import UnprocessableEntity

from . import auth, metrics
from .settings import MAX_BODY_BYTES

access_log = logging.getLogger("gateway.access")

REQUEST_ID_HEADER = "X-Request-ID"
_REQUEST_ID_OK = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
_BODY_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
_MULTIPART_ATTR = "_gateway_multipart_limit"


def multipart(limit: Callable[..., int]) -> Callable:
    """Mark a view as taking a `multipart/form-data` body (a file upload) instead of JSON, of at
    most `limit(settings)` bytes: werkzeug spools large parts to temporary files while reading."""

    def mark(view: Callable) -> Callable:
        setattr(view, _MULTIPART_ATTR, limit)
        return view

    return mark


def _multipart_limit() -> Callable[..., int] | None:
    view = current_app.view_functions.get(request.endpoint) if request.endpoint else None
    while view is not None:  # flask-smorest keeps the original view as __wrapped__
        limit = getattr(view, _MULTIPART_ATTR, None)
        if limit is not None:
            return limit
        view = getattr(view, "__wrapped__", None)
    return None


def _check_multipart(limit: int) -> None:
    request.max_content_length = limit  # this request's own limit, instead of the JSON one
    length = request.content_length
    if length is not None and length > limit:
        abort(413, description=f"The body is larger than {limit} bytes.")
    if request.mimetype != "multipart/form-data":
        abort(415, description="Send the file as multipart/form-data in the field `file`.")


def _start() -> None:
    g.started = time.perf_counter()
    given = request.headers.get(REQUEST_ID_HEADER, "")
    g.request_id = given if _REQUEST_ID_OK.match(given) else uuid.uuid4().hex


def _is_json(mimetype: str) -> bool:
    return mimetype == "application/json" or (
        mimetype.startswith("application/") and mimetype.endswith("+json")
    )


def _check_body() -> None:
    if request.method not in _BODY_METHODS or request.routing_exception is not None:
        return  # no such route or method: its 404/405 comes first, whatever the body
    limit = _multipart_limit()
    if limit is not None:
        _check_multipart(limit(current_app.config["GATEWAY"]))
        return
    length = request.content_length
    if length is not None and length > MAX_BODY_BYTES:
        abort(413, description=f"The body is larger than {MAX_BODY_BYTES} bytes.")
    chunked = "chunked" in request.headers.get("Transfer-Encoding", "").lower()
    if not length and not chunked:
        return  # no body: views that need one report the missing fields (422)
    if not _is_json(request.mimetype):
        abort(415, description="Send the body as JSON (Content-Type: application/json).")
    data = request.get_data(cache=True)  # over the limit: werkzeug raises 413 while reading
    if not data.strip():
        return
    try:
        body = request.get_json(force=True, silent=False)
    except Exception:  # noqa: BLE001 - werkzeug raises BadRequest for broken JSON
        abort(400, description="The body is not valid JSON.")
    _refuse_nul(_nul_paths(body))


def _nul_paths(value, path: str = "") -> list[str]:
    """Where a NUL character hides in a JSON value: no database stores it as text."""
    if isinstance(value, str):
        return [path or "_schema"] if "\x00" in value else []
    if isinstance(value, dict):
        found = [f"{path}.{key}" if path else str(key) for key in value if "\x00" in str(key)]
        for key, item in value.items():
            found += _nul_paths(item, f"{path}.{key}" if path else str(key))
        return found
    if isinstance(value, list):
        return [p for i, item in enumerate(value)
                for p in _nul_paths(item, f"{path}.{i}" if path else str(i))]
    return []


def _refuse_nul(paths: list[str]) -> None:
    if paths:
        error = UnprocessableEntity(description="The request has invalid fields; see errors.")
        error.data = {"messages": {p: ["Text may not contain NUL characters."] for p in paths}}
        raise error


def _check_query() -> None:
    _refuse_nul([key for key, value in request.args.items(multi=True)
                 if "\x00" in key or "\x00" in value])


def _finish(response):
    request_id = g.get("request_id")
    if request_id:
        response.headers[REQUEST_ID_HEADER] = request_id
    started = g.get("started")
    elapsed = time.perf_counter() - started if started else 0.0
    route = request.url_rule.rule if request.url_rule else "<unmatched>"
    metrics.observe(request.method, route, response.status_code, elapsed)
    identity = g.get("identity")
    access_log.info(
        "request",
        extra={
            "method": request.method,
            "path": request.path,
            "route": route,
            "status": response.status_code,
            "duration_ms": round(elapsed * 1000, 2),
            "user_id": identity.user_id if identity else None,
        },
    )
    return response


def install(app: Flask) -> None:
    app.config["MAX_CONTENT_LENGTH"] = MAX_BODY_BYTES
    app.before_request(_start)
    app.before_request(auth.authenticate)
    app.before_request(_check_query)
    app.before_request(_check_body)
    app.after_request(_finish)
