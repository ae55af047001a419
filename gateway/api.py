"""flask-smorest wired to the gateway's rules: strict parsing, problem+json errors, bearer auth.

- `Blueprint` parses with `StrictParser`: unknown fields are refused in bodies *and* query strings;
  a view that reads a JSON body is documented with its 413 (too large) and 415 (not JSON).
- `ServiceBlueprint` is an area a service answers: under `/api/v1`, and every view is documented
  with 503 (the service did not answer in time).
- `GatewayApi` documents every error response as `application/problem+json` with `ProblemSchema`
  and leaves error handling to `gateway.problems`.
- `secured(*roles, owner=check)` marks a view as needing a token (and these roles) and documents
  it so; `owner` (from `gateway.ownership`) answers a stranger's 403/404 before a refused body's 422.
- `response(status, schema, problems=[...])` documents the answer and the problems the view may
  answer instead.
- `idempotency_key(schema)` reads a create's `Idempotency-Key` header and refuses the request
  without it (428).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable

import flask_smorest
import marshmallow as ma
from flask import request
from webargs.flaskparser import FlaskParser

from . import auth, ownership, problems

PREFIX = "/api/v1"
IDEMPOTENCY_KEY = "Idempotency-Key"
# A route open to anyone that also reads a token when one is given (documented as such).
OPTIONAL_BEARER = [{}, {"bearerAuth": []}]


class StrictParser(FlaskParser):
    DEFAULT_UNKNOWN_BY_LOCATION = {
        **FlaskParser.DEFAULT_UNKNOWN_BY_LOCATION,
        "json": ma.RAISE,
        "query": ma.RAISE,
        "querystring": ma.RAISE,
    }


class Blueprint(flask_smorest.Blueprint):
    ARGUMENTS_PARSER = StrictParser()

    def arguments(self, schema, *, location: str = "json", **kwargs) -> Callable:
        """Parse a part of the request with `schema`; a JSON body may also be refused as too
        large (413) or as not JSON (415)."""
        parse = super().arguments(schema, location=location, **kwargs)
        if location != "json":
            return parse
        return lambda view: self.problems(413, 415)(parse(view))

    def response(self, status_code: int, schema=None, *, problems: Iterable[int] = (),
                 **kwargs) -> Callable:
        """Shape and document the view's answer; `problems` are the error statuses
        (problem+json) it may answer instead."""
        answer = super().response(status_code, schema, **kwargs)
        return lambda view: self.problems(*problems)(answer(view))

    def problems(self, *statuses: int) -> Callable:
        """Document these error statuses (problem+json) on a view."""

        def decorate(view: Callable) -> Callable:
            for status in statuses:
                view = self.alt_response(status, response=_response_name(status))(view)
            return view

        return decorate

    def secured(self, *roles: str, owner: ownership.Check | None = None) -> Callable:
        """The caller needs a valid token and, when roles are given, one of them. When the view
        refuses the body (422), `owner` first checks that the caller may act on what the path
        names at all, and answers the owning service's 403/404 instead (`gateway.ownership`)."""

        def decorate(view: Callable) -> Callable:
            if owner is not None:
                view = ownership.checked_when_refused(owner)(view)
            view = auth.requires(*roles)(view)
            view = self.doc(security=[{"bearerAuth": []}])(view)
            statuses = (401, 403) if roles else (401,)
            return self.problems(*statuses)(view)

        return decorate

    def idempotency_key(self, schema, *, required: bool = True) -> Callable:
        """The `Idempotency-Key` header of a create that must not happen twice (an order, a
        payment, a refund), read with `schema` and passed to the view as `idempotency_key`. When
        `required`, a request without it is refused with 428 before its body is read: place it
        above `arguments`."""
        read = self.arguments(schema, location="headers", as_kwargs=True)

        def decorate(view: Callable) -> Callable:
            view = read(view)
            if not required:
                return view

            @functools.wraps(view)
            def checked(*args, **kwargs):
                if not request.headers.get(IDEMPOTENCY_KEY, "").strip():
                    return problems.problem(
                        428, f"Send an {IDEMPOTENCY_KEY} header: the same key with the same body "
                             "returns the same result, so a resent request does not create "
                             "anything twice.",
                        errors={IDEMPOTENCY_KEY: ["Required."]}, code="idempotency_key_required")
                return view(*args, **kwargs)

            return self.problems(428)(checked)

        return decorate


class ServiceBlueprint(Blueprint):
    """The routes of an area that a service answers: under `/api/v1` unless told otherwise, and
    each may answer 503 when the service does not answer in time."""

    def __init__(self, name: str, import_name: str, *, url_prefix: str = PREFIX, **kwargs):
        super().__init__(name, import_name, url_prefix=url_prefix, **kwargs)

    def route(self, rule: str, **options) -> Callable:
        register = super().route(rule, **options)
        return lambda view: register(self.problems(503)(view))


def _response_name(status: int) -> str:
    from http import HTTPStatus

    return HTTPStatus(status).name


class GatewayApi(flask_smorest.Api):
    ERROR_SCHEMA = problems.ProblemSchema

    def _register_responses(self):
        from http import HTTPStatus

        from flask_smorest.utils import prepare_response

        for status in HTTPStatus:
            response = {"description": status.phrase}
            if status >= 400:
                response["schema"] = self.ERROR_SCHEMA
                prepare_response(response, self.spec, problems.PROBLEM_JSON)
            self.spec.components.response(status.name, response, lazy=True)
        response = {"description": "An error (problem+json)", "schema": self.ERROR_SCHEMA}
        prepare_response(response, self.spec, problems.PROBLEM_JSON)
        self.spec.components.response("DEFAULT_ERROR", response, lazy=True)

    def _register_error_handlers(self):
        problems.register(self._app)


def openapi_config(app) -> None:
    app.config.update(
        API_TITLE="Atelier",
        API_VERSION="v1",
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX=PREFIX,
        OPENAPI_JSON_PATH="openapi.json",
        OPENAPI_SWAGGER_UI_PATH="docs",
        OPENAPI_SWAGGER_UI_URL="https://cdn.jsdelivr.net/npm/swagger-ui-dist@5/",
        API_SPEC_OPTIONS={
            "info": {"description": "The marketplace's HTTP API. Errors are problem+json."},
            "components": {
                "securitySchemes": {
                    "bearerAuth": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
                }
            },
        },
    )
