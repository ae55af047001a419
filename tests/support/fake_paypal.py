"""A fake PayPal REST API (OAuth 2 tokens, Orders v2, Payments v2 refunds) speaking its protocol, as
a real HTTP server in a thread.

- `POST /v1/oauth2/token` with basic auth `client_id:secret` and `grant_type=client_credentials`
  → `{access_token, token_type: "Bearer", expires_in}`; wrong credentials → 401 `invalid_client`;
- every other call needs `Authorization: Bearer <a token it issued>` (else 401
  `invalid_token`); `expire_tokens()` forgets every token issued, as PayPal does when they expire;
- `POST /v2/checkout/orders` `{intent: "CAPTURE", purchase_units: [{amount: {currency_code,
  value}}]}` with `PayPal-Request-Id` (the same id answers the same order) → 201 order `CREATED`
  with an `approve` link; a value that is not a plain decimal with two places → 422;
- `GET /v2/checkout/orders/{id}`; `POST /v2/checkout/orders/{id}/capture` (only once `APPROVED`,
  else 422 `ORDER_NOT_APPROVED`; the same `PayPal-Request-Id` answers the same) → `COMPLETED` with
  a capture in `purchase_units[0].payments.captures`;
- `POST /v2/payments/captures/{id}/refund` `{amount?}` with `PayPal-Request-Id` → 201 refund
  `COMPLETED`; more than is left → 422 `REFUND_AMOUNT_EXCEEDED`.

    paypal = FakePayPal(client_id="app", secret="s3cret").start()
    paypal.approve(order_id)           # as if the buyer approved on PayPal's page
    paypal.notification(order_id)      # the body PayPal would post (CHECKOUT.ORDER.APPROVED)
"""

from __future__ import annotations

import base64
import json
import re
import uuid
from decimal import Decimal
from urllib.parse import parse_qs

from .fake_carrier import Answer, FakeCarrierServer, Request

VALUE = re.compile(r"^\d+(\.\d{2})?$")


class FakePayPal(FakeCarrierServer):
    def __init__(self, client_id: str, secret: str):
        super().__init__()
        self.client_id, self.secret = client_id, secret
        self.tokens: set[str] = set()
        self.tokens_issued = 0
        self.orders: dict[str, dict] = {}
        self.by_request_id: dict[tuple[str, str], tuple[int, dict]] = {}
        self.captures: dict[str, tuple[str, dict]] = {}  # capture id -> (order id, capture)
        self.calls: list[tuple[str, str]] = []

    # -- what a test controls -----------------------------------------------------------------------
    def approve(self, order_id: str) -> None:
        with self._lock:
            self.orders[order_id]["status"] = "APPROVED"

    def void(self, order_id: str) -> None:
        with self._lock:
            self.orders[order_id]["status"] = "VOIDED"

    def expire_tokens(self) -> None:
        with self._lock:
            self.tokens.clear()

    def notification(self, order_id: str, event_type: str = "CHECKOUT.ORDER.APPROVED") -> bytes:
        with self._lock:
            order = json.loads(json.dumps(self.orders[order_id]))
        return json.dumps({"id": "WH-" + uuid.uuid4().hex, "event_type": event_type,
                           "resource_type": "checkout-order", "resource": order}).encode()

    # -- the protocol -------------------------------------------------------------------------------
    def handle(self, request: Request) -> Answer:
        with self._lock:
            self.calls.append((request.method, request.path))
            if request.path == "/v1/oauth2/token":
                return self._token(request)
            if request.headers.get("authorization", "").removeprefix("Bearer ") not in \
                    self.tokens:
                self._refuse("wrong token")
                return _json(401, {"error": "invalid_token",
                                   "error_description": "Token signature verification failed"})
            request_id = request.headers.get("paypal-request-id")
            if request.method == "POST" and request_id and \
                    (request.path, request_id) in self.by_request_id:
                status, body = self.by_request_id[(request.path, request_id)]
                return _json(status, body)
            answer = self._route(request)
            if request.method == "POST" and request_id and answer[0] < 300:
                self.by_request_id[(request.path, request_id)] = answer
            return _json(*answer)

    def _token(self, request: Request) -> Answer:
        header = request.headers.get("authorization", "")
        given = base64.b64decode(header[6:]).decode() if header.startswith("Basic ") else ""
        form = {k: v[0] for k, v in parse_qs(request.body.decode()).items()}
        if given != f"{self.client_id}:{self.secret}":
            self._refuse("wrong credentials")
            return _json(401, {"error": "invalid_client",
                               "error_description": "Client Authentication failed"})
        if form.get("grant_type") != "client_credentials":
            return _json(400, {"error": "unsupported_grant_type"})
        token = "A21AA" + uuid.uuid4().hex
        self.tokens.add(token)
        self.tokens_issued += 1
        return _json(200, {"scope": "https://uri.paypal.com/services/payments/payment",
                           "access_token": token, "token_type": "Bearer",
                           "app_id": "APP-80W284485P519543T", "expires_in": 32400,
                           "nonce": uuid.uuid4().hex})

    def _route(self, request: Request) -> tuple[int, dict]:
        parts = request.path.strip("/").split("/")
        if parts[:3] == ["v2", "checkout", "orders"]:
            if request.method == "POST" and len(parts) == 3:
                return self._create(json.loads(request.body or b"{}"))
            order = self.orders.get(parts[3]) if len(parts) > 3 else None
            if order is None:
                return 404, {"name": "RESOURCE_NOT_FOUND"}
            if request.method == "GET" and len(parts) == 4:
                return 200, order
            if request.method == "POST" and parts[4:] == ["capture"]:
                return self._capture(order)
        if parts[:3] == ["v2", "payments", "captures"] and parts[4:] == ["refund"] and \
                request.method == "POST":
            return self._refund(parts[3], json.loads(request.body or b"{}"))
        return 404, {"name": "RESOURCE_NOT_FOUND"}

    def _create(self, body: dict) -> tuple[int, dict]:
        try:
            [unit] = body["purchase_units"]
            amount = unit["amount"]
            valid = body["intent"] == "CAPTURE" and isinstance(amount["value"], str) and \
                VALUE.match(amount["value"]) and len(amount["currency_code"]) == 3
        except (KeyError, TypeError, ValueError):
            valid = False
        if not valid:
            return 422, {"name": "UNPROCESSABLE_ENTITY", "details": [{"issue": "INVALID_PARAMETER"}]}
        order_id = uuid.uuid4().hex[:17].upper()
        order = {
            "id": order_id, "intent": "CAPTURE", "status": "CREATED",
            "purchase_units": [{"reference_id": unit.get("reference_id", "default"),
                                "custom_id": unit.get("custom_id"), "amount": amount}],
            "links": [
                {"href": f"https://api.paypal.test/v2/checkout/orders/{order_id}", "rel": "self",
                 "method": "GET"},
                {"href": f"https://www.paypal.test/checkoutnow?token={order_id}",
                 "rel": "approve", "method": "GET"},
                {"href": f"https://api.paypal.test/v2/checkout/orders/{order_id}/capture",
                 "rel": "capture", "method": "POST"}],
        }
        self.orders[order_id] = order
        return 201, order

    def _capture(self, order: dict) -> tuple[int, dict]:
        if order["status"] != "APPROVED":
            return 422, {"name": "UNPROCESSABLE_ENTITY",
                         "details": [{"issue": "ORDER_NOT_APPROVED"}]}
        unit = order["purchase_units"][0]
        capture = {"id": uuid.uuid4().hex[:17].upper(), "status": "COMPLETED",
                   "amount": dict(unit["amount"]), "refunded": "0.00"}
        unit["payments"] = {"captures": [capture]}
        order["status"] = "COMPLETED"
        self.captures[capture["id"]] = (order["id"], capture)
        return 201, order

    def _refund(self, capture_id: str, body: dict) -> tuple[int, dict]:
        found = self.captures.get(capture_id)
        if found is None:
            return 404, {"name": "RESOURCE_NOT_FOUND"}
        _order_id, capture = found
        total, refunded = Decimal(capture["amount"]["value"]), Decimal(capture["refunded"])
        wanted = body.get("amount") or {"value": str(total - refunded),
                                        "currency_code": capture["amount"]["currency_code"]}
        if not VALUE.match(str(wanted.get("value"))) or \
                wanted.get("currency_code") != capture["amount"]["currency_code"]:
            return 422, {"name": "UNPROCESSABLE_ENTITY",
                         "details": [{"issue": "INVALID_PARAMETER"}]}
        if Decimal(wanted["value"]) > total - refunded:
            return 422, {"name": "UNPROCESSABLE_ENTITY",
                         "details": [{"issue": "REFUND_AMOUNT_EXCEEDED"}]}
        capture["refunded"] = str(refunded + Decimal(wanted["value"]))
        capture["status"] = "REFUNDED" if Decimal(capture["refunded"]) == total \
            else "PARTIALLY_REFUNDED"
        return 201, {"id": uuid.uuid4().hex[:17].upper(), "status": "COMPLETED",
                     "amount": wanted}


def _json(status: int, body: dict) -> Answer:
    return Answer(status, "application/json", json.dumps(body).encode())
