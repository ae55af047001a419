"""The sandbox provider's adapter (`services.payments.sandbox` is the provider itself).

Its API takes HTTP basic auth (the shop's account id and secret key) and an `Idempotence-Key`:
`POST /api/payments`, `GET /api/payments/{id}`, `POST /api/payments/{id}/refunds`. It notifies
`notification_url` with a JSON body `{event: "payment.succeeded"|"payment.failed", payment: {id,
status, amount: {amount, currency}}}` signed with the shop's secret (`domain.signatures`).
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping

from ..domain import signatures
from .base import (
    Account,
    BadNotification,
    BasicAuthApi,
    Created,
    Outcome,
    PaymentRequest,
)

SIGNATURE_HEADER = "Sandbox-Signature"


class SandboxProvider(BasicAuthApi):
    label = "sandbox"
    name = "sandbox"

    def __init__(self, url: str, timeout: float, tolerance: float, session=None):
        super().__init__(url, timeout, session)
        self.tolerance = tolerance

    def create_payment(self, account: Account, request: PaymentRequest) -> Created:
        body = self._call("POST", "/api/payments", account, key=request.key, body={
            "amount": {"amount": request.amount, "currency": request.currency},
            "description": request.description, "return_url": request.return_url,
            "notification_url": request.notification_url, "metadata": request.metadata})
        return Created(str(body["id"]), str(body["confirmation_url"]))

    def payment_status(self, account: Account, provider_payment_id: str) -> Outcome:
        body = self._call("GET", f"/api/payments/{provider_payment_id}", account)
        return _outcome(body)

    def refund(self, account: Account, provider_payment_id: str, key: str, amount: int,
               currency: str) -> str:
        body = self._call("POST", f"/api/payments/{provider_payment_id}/refunds", account, key=key,
                          body={"amount": {"amount": amount, "currency": currency}})
        return str(body["id"])

    def payment_ref(self, body: bytes) -> str:
        return _payment(_json(body))["id"]

    def verify(self, account: Account, headers: Mapping[str, str], body: bytes) -> Outcome:
        try:
            signatures.verify(account.secret, body, headers.get(SIGNATURE_HEADER), time.time(),
                              self.tolerance)
        except signatures.BadSignature as exc:
            raise BadNotification(str(exc)) from None
        payload = _json(body)
        if payload.get("event") not in ("payment.succeeded", "payment.failed"):
            raise BadNotification("unknown event")
        return _outcome(_payment(payload))


def _json(body: bytes) -> dict:
    try:
        payload = json.loads(body)
    except ValueError:
        raise BadNotification("not JSON") from None
    if not isinstance(payload, dict):
        raise BadNotification("not a JSON object")
    return payload


def _payment(payload: dict) -> dict:
    payment = payload.get("payment")
    if not isinstance(payment, dict) or not isinstance(payment.get("id"), str):
        raise BadNotification("no payment id")
    return payment


def _outcome(payment: dict) -> Outcome:
    amount = payment.get("amount") or {}
    status = payment.get("status")
    if status not in ("pending", "succeeded", "failed"):
        raise BadNotification(f"unknown status {status!r}")
    value = amount.get("amount")
    return Outcome(str(payment["id"]), status,
                   value if isinstance(value, int) and not isinstance(value, bool) else None,
                   amount.get("currency"), payment.get("reason"))
