"""YooKassa's adapter (API v3, https://yookassa.ru/developers/api).

- create: `POST /payments` with basic auth `shopId:secretKey`, an `Idempotence-Key`, `capture: true`
  and a redirect confirmation; the buyer goes to `confirmation.confirmation_url`;
- status: `GET /payments/{id}` (`pending`, `waiting_for_capture`, `succeeded`, `canceled`);
- refunds: `POST /refunds {payment_id, amount}` with an `Idempotence-Key`;
- notifications (`{type: "notification", event, object}`) are not signed by YooKassa: the object's
  status is asked of the API with the shop's credentials, so only what YooKassa itself says counts.
"""

from __future__ import annotations

import json

from .base import (
    Account,
    BadNotification,
    BasicAuthApi,
    ConfirmedByLookup,
    Created,
    Outcome,
    PaymentRequest,
    ProviderError,
    to_major,
    to_minor,
)

STATUSES = {"pending": "pending", "waiting_for_capture": "pending", "succeeded": "succeeded",
            "canceled": "failed"}


class YooKassaProvider(ConfirmedByLookup, BasicAuthApi):
    label = "YooKassa"
    name = "yookassa"

    def create_payment(self, account: Account, request: PaymentRequest) -> Created:
        body = self._call("POST", "/payments", account, key=request.key, body={
            "amount": {"value": to_major(request.amount), "currency": request.currency},
            "capture": True,
            "confirmation": {"type": "redirect", "return_url": request.return_url},
            "description": request.description[:128],
            "metadata": request.metadata,
        })
        return Created(str(body["id"]), str(body["confirmation"]["confirmation_url"]))

    def payment_status(self, account: Account, provider_payment_id: str) -> Outcome:
        return _outcome(self._call("GET", f"/payments/{provider_payment_id}", account))

    def refund(self, account: Account, provider_payment_id: str, key: str, amount: int,
               currency: str) -> str:
        body = self._call("POST", "/refunds", account, key=key, body={
            "payment_id": provider_payment_id,
            "amount": {"value": to_major(amount), "currency": currency}})
        if body.get("status") == "canceled":
            raise ProviderError("YooKassa cancelled the refund")
        return str(body["id"])

    def payment_ref(self, body: bytes) -> str:
        try:
            payload = json.loads(body)
            ref = payload["object"]["id"]
        except (ValueError, KeyError, TypeError):
            raise BadNotification("not a YooKassa notification") from None
        if payload.get("type") != "notification" or not isinstance(ref, str):
            raise BadNotification("not a YooKassa notification")
        return ref



def _outcome(payment: dict) -> Outcome:
    status = STATUSES.get(payment.get("status"))
    if status is None:
        raise ProviderError(f"unknown YooKassa status {payment.get('status')!r}")
    amount = payment.get("amount") or {}
    reason = (payment.get("cancellation_details") or {}).get("reason")
    return Outcome(str(payment["id"]), status,
                   to_minor(amount["value"]) if "value" in amount else None,
                   amount.get("currency"), reason)
