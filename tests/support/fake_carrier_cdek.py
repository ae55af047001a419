"""CDEK API v2 for tests, checking requests the way CDEK does.

    POST /v2/oauth/token   form fields grant_type=client_credentials, client_id, client_secret
                           → 200 {"access_token", "token_type": "bearer", "expires_in", ...}
                           → 401 {"error": "invalid_client"} for any other id/secret,
                             400 {"error": "unsupported_grant_type"} for another grant or no form
    GET  /v2/orders?cdek_number=N   with "Authorization: Bearer <token>"
                           → 200 {"entity": {"cdek_number", "statuses": [newest first]}, "requests"}
                           → 400 v2_entity_not_found for a number it has not been told about
                           → 401 for a missing, unknown, expired or revoked token

    cdek = FakeCdek(token_ttl=3600).start()
    env = {"SHIPPING_CDEK_URL": cdek.url, "SHIPPING_CDEK_CLIENT_ID": cdek.client_id,
           "SHIPPING_CDEK_CLIENT_SECRET": cdek.client_secret}
    cdek.add_status("1234567890", "SENT_TO_TRANSIT_CITY", "Отправлен в г. транзит", city="Москва")
    cdek.expire_tokens()          # every token issued so far answers 401 from now on
    cdek.set_credentials(id, secret)   # the account's credentials change (old ones refused)
    cdek.fail_tokens(503)         # the token endpoint answers 503 (None: normally again)
    cdek.tokens_issued            # how many tokens it has issued
"""

from __future__ import annotations

import json
import secrets
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from urllib.parse import parse_qs

from .fake_carrier import Answer, FakeCarrierServer, Request

JSON = "application/json"


def _json(status: int, body: dict, headers: dict[str, str] | None = None) -> Answer:
    return Answer(status, JSON, json.dumps(body, ensure_ascii=False).encode(), headers or {})


def _cdek_time(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S%z")  # CDEK's form: +0000


class FakeCdek(FakeCarrierServer):
    def __init__(self, client_id: str = "atelier-test-account",
                 client_secret: str = "atelier-test-secret", token_ttl: int = 3600,
                 clock: Callable[[], float] = time.monotonic) -> None:
        """`clock` decides when tokens expire (a test may move it instead of waiting)."""
        super().__init__()
        self._clock = clock
        self.client_id = client_id
        self.client_secret = client_secret
        self.token_ttl = token_ttl
        self.tokens_issued = 0
        self._tokens: dict[str, float] = {}  # token → when it expires (time.monotonic)
        self._token_failure: int | None = None
        self._orders: dict[str, dict] = {}

    # -- what a test controls ---------------------------------------------------------------------
    def add_status(self, number: str, code: str, name: str | None = None, city: str | None = None,
                   at: datetime | None = None) -> None:
        """A new status of the order with this CDEK number (created on first use)."""
        with self._lock:
            order = self._orders.setdefault(number, {
                "uuid": str(uuid.uuid4()), "type": 1, "is_return": False,
                "cdek_number": number, "statuses": [],
            })
            order["statuses"].insert(0, {  # CDEK lists the newest first
                "code": code,
                "name": name or code.replace("_", " ").capitalize(),
                "date_time": _cdek_time(at or datetime.now(UTC)),
                "city": city,
            })

    def set_credentials(self, client_id: str, client_secret: str) -> None:
        with self._lock:
            self.client_id, self.client_secret = client_id, client_secret

    def expire_tokens(self) -> None:
        with self._lock:
            self._tokens.clear()

    def fail_tokens(self, status_code: int | None = 503) -> None:
        with self._lock:
            self._token_failure = status_code

    # -- the protocol -----------------------------------------------------------------------------
    def handle(self, request: Request) -> Answer:
        with self._lock:
            if request.path == "/v2/oauth/token" and request.method == "POST":
                return self._token(request)
            if request.path == "/v2/orders" and request.method == "GET":
                return self._order(request)
            return _json(404, {"error": "not found", "path": request.path})

    def _token(self, request: Request) -> Answer:
        if self._token_failure is not None:
            return _json(self._token_failure, {"error": "service unavailable"})
        form_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if form_type != "application/x-www-form-urlencoded":
            self._refuse("token request without form fields")
            return _json(400, {"error": "invalid_request",
                               "error_description": "Missing grant type"})
        form = {key: values[0] for key, values in parse_qs(request.body.decode()).items()}
        if form.get("grant_type") != "client_credentials":
            self._refuse(f"grant_type {form.get('grant_type')!r}")
            return _json(400, {"error": "unsupported_grant_type",
                               "error_description": "Unsupported grant type"})
        if (form.get("client_id"), form.get("client_secret")) != (self.client_id, self.client_secret):
            self._refuse("wrong client credentials")
            return _json(401, {"error": "invalid_client",
                               "error_description": "Bad client credentials"})
        token = secrets.token_urlsafe(24)
        self._tokens[token] = self._clock() + self.token_ttl
        self.tokens_issued += 1
        return _json(200, {"access_token": token, "token_type": "bearer",
                           "expires_in": self.token_ttl, "scope": "order:all payment:all",
                           "jti": str(uuid.uuid4())})

    def _order(self, request: Request) -> Answer:
        refused = self._check_bearer(request.headers.get("authorization", ""))
        if refused is not None:
            self._refuse(refused)
            return _json(401, {"error": "invalid_token", "error_description": refused},
                         {"WWW-Authenticate": f'Bearer error="invalid_token", '
                                              f'error_description="{refused}"'})
        number = (request.query.get("cdek_number") or [""])[0]
        if not number:
            return self._invalid("v2_parameters_empty", "All parameters are empty")
        failure = self._count(number)
        if failure is not None:
            return _json(failure, {"error": "carrier unavailable"})
        order = self._orders.get(number)
        if order is None:
            return self._invalid("v2_entity_not_found", f"Entity is not found by cdek_number {number}")
        return _json(200, {"entity": json.loads(json.dumps(order)),
                           "requests": [self._request_record("SUCCESSFUL")]})

    def _check_bearer(self, header: str) -> str | None:
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return "no bearer token"
        expires = self._tokens.get(token.strip())
        if expires is None:
            return "wrong or revoked token"
        if self._clock() >= expires:
            return "expired token"
        return None

    def _invalid(self, code: str, message: str) -> Answer:
        record = self._request_record("INVALID")
        record["errors"] = [{"code": code, "message": message}]
        return _json(400, {"requests": [record], "related_entities": []})

    @staticmethod
    def _request_record(state: str) -> dict:
        return {"request_uuid": str(uuid.uuid4()), "type": "GET",
                "date_time": _cdek_time(datetime.now(UTC)), "state": state}
