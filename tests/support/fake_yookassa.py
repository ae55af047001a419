"""A fake YooKassa (API v3) speaking its protocol, as a real HTTP server in a thread.

- `POST /v3/payments` with basic auth `shopId:secretKey` and an `Idempotence-Key` (required; the same
  key answers the same payment) → `{id, status: "pending", amount: {value, currency},
  confirmation: {type: "redirect", confirmation_url}, metadata}`;
- `GET /v3/payments/{id}` → the payment; `POST /v3/refunds {payment_id, amount}` with an
  `Idempotence-Key` → `{id, status: "succeeded", amount}` (more than is left → 400);
- wrong credentials → 401 `{"type": "error", "code": "invalid_credentials"}`.

    kassa = FakeYooKassa(shop_id="123", secret="test_x").start()
    kassa.settle(payment_id, "succeeded")     # as if the buyer paid (or "canceled")
    kassa.notification(payment_id)            # the body YooKassa would post to the shop
"""

from __future__ import annotations

import base64
import json
import uuid
from decimal import Decimal

from .fake_carrier import Answer, FakeCarrierServer, Request


class FakeYooKassa(FakeCarrierServer):
    PATH = "/v3"

    def __init__(self, shop_id: str, secret: str):
        super().__init__()
        self.shop_id, self.secret = shop_id, secret
        self.payments: dict[str, dict] = {}
        self.keys: dict[str, dict] = {}

    def settle(self, payment_id: str, status: str) -> None:
        with self._lock:
            self.payments[payment_id]["status"] = status
            self.payments[payment_id]["paid"] = status == "succeeded"

    def notification(self, payment_id: str) -> bytes:
        payment = self.payments[payment_id]
        return json.dumps({"type": "notification", "event": f"payment.{payment['status']}",
                           "object": payment}).encode()

    def handle(self, request: Request) -> Answer:
        with self._lock:
            if not self._authorized(request):
                self._refuse("wrong credentials")
                return _json(401, {"type": "error", "code": "invalid_credentials"})
            path = request.path.removeprefix(self.PATH)
            if request.method == "GET" and path.startswith("/payments/"):
                payment = self.payments.get(path.split("/")[2])
                return _json(200, payment) if payment else _json(404, {"code": "not_found"})
            key = request.headers.get("idempotence-key")
            if request.method == "POST" and not key:
                self._refuse("no Idempotence-Key")
                return _json(400, {"type": "error", "code": "invalid_request"})
            if key in self.keys:
                return _json(200, self.keys[key])
            body = json.loads(request.body or b"{}")
            if request.method == "POST" and path == "/payments":
                payment_id = str(uuid.uuid4())
                answer = {"id": payment_id, "status": "pending", "paid": False,
                          "amount": body["amount"], "metadata": body.get("metadata", {}),
                          "confirmation": {"type": "redirect", "confirmation_url":
                                           f"https://yoomoney.test/checkout?orderId={payment_id}"},
                          "refunded_amount": {"value": "0.00",
                                              "currency": body["amount"]["currency"]}}
                self.payments[payment_id] = answer
            elif request.method == "POST" and path == "/refunds":
                payment = self.payments.get(body.get("payment_id"))
                if payment is None or payment["status"] != "succeeded":
                    return _json(400, {"type": "error", "code": "invalid_request"})
                left = (Decimal(payment["amount"]["value"])
                        - Decimal(payment["refunded_amount"]["value"]))
                value = Decimal(body["amount"]["value"])
                if value > left:
                    return _json(400, {"type": "error", "code": "invalid_request"})
                payment["refunded_amount"]["value"] = str(
                    Decimal(payment["refunded_amount"]["value"]) + value)
                answer = {"id": str(uuid.uuid4()), "status": "succeeded",
                          "payment_id": payment["id"], "amount": body["amount"]}
            else:
                return _json(404, {"code": "not_found"})
            self.keys[key] = answer
            return _json(200, answer)

    def _authorized(self, request: Request) -> bool:
        header = request.headers.get("authorization", "")
        if not header.startswith("Basic "):
            return False
        given = base64.b64decode(header[6:]).decode()
        return given == f"{self.shop_id}:{self.secret}"


def _json(status: int, body: dict) -> Answer:
    return Answer(status, "application/json", json.dumps(body).encode())
