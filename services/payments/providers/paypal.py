"""PayPal's adapter (REST API: Orders v2 and Payments v2, https://developer.paypal.com/api/rest/).

The shop's `account_id` is its REST app's client id and its secret key the app's secret.
- token: `POST /v1/oauth2/token` (basic auth client id:secret, `grant_type=client_credentials`);
  the bearer token is kept per client id until shortly before it expires, and asked again once
  when PayPal refuses it (401);
- create: `POST /v2/checkout/orders` with `intent: CAPTURE`, the amount as a decimal string
  (`domain.amounts`) and `PayPal-Request-Id` = our payment id (a retried create makes one order);
  the buyer goes to the order's `approve` link (`payer-action` in newer answers);
- status: `GET /v2/checkout/orders/{id}`; an order the buyer `APPROVED` is captured (`POST
  .../capture`, `PayPal-Request-Id` per order, so a capture is made once), whose answer is the
  order as PayPal now holds it (asked again with a GET only if it is not): only what PayPal
  itself answers counts. `COMPLETED` with a completed capture → succeeded;
  `VOIDED` or a declined capture → failed; anything else → pending;
- refunds: `POST /v2/payments/captures/{capture_id}/refund` with `PayPal-Request-Id`;
- notifications (`{event_type, resource}`, `CHECKOUT.ORDER.*` name the order in `resource.id`,
  `PAYMENT.CAPTURE.*` in `resource.supplementary_data.related_ids.order_id`) are not trusted: the
  order's status is asked of PayPal with the shop's credentials (and captured when approved).
"""

from __future__ import annotations

import json
import threading
import time

import requests

from ..domain.amounts import to_decimal_string, to_minor_units
from .base import (
    Account,
    BadNotification,
    ConfirmedByLookup,
    Created,
    Outcome,
    PaymentRequest,
    ProviderError,
)

PENDING = {"CREATED", "SAVED", "APPROVED", "PAYER_ACTION_REQUIRED"}
TOKEN_MARGIN_SECONDS = 60


class PayPalProvider(ConfirmedByLookup):
    label = "PayPal"
    name = "paypal"

    def __init__(self, url: str, timeout: float, session=None):
        self.url = url.rstrip("/")
        self.timeout = timeout
        self.http = session or requests.Session()
        self._tokens: dict[tuple[str, str], tuple[str, float]] = {}
        self._lock = threading.Lock()

    # -- HTTP -------------------------------------------------------------------------------------
    def _token(self, account: Account, *, fresh: bool = False) -> str:
        key = (account.account_id, account.secret)
        with self._lock:
            known = self._tokens.get(key)
        if known is not None and not fresh and known[1] > time.monotonic():
            return known[0]
        try:
            answer = self.http.post(f"{self.url}/v1/oauth2/token",
                                    data={"grant_type": "client_credentials"},
                                    auth=(account.account_id, account.secret),
                                    headers={"Accept": "application/json"}, timeout=self.timeout)
        except requests.RequestException as exc:
            raise ProviderError(f"PayPal unreachable: {type(exc).__name__}") from None
        if answer.status_code != 200:
            raise ProviderError(f"PayPal refused the credentials ({answer.status_code})")
        body = answer.json()
        lifetime = max(float(body.get("expires_in") or 0) - TOKEN_MARGIN_SECONDS, 0)
        with self._lock:
            self._tokens[key] = (body["access_token"], time.monotonic() + lifetime)
        return body["access_token"]

    def _call(self, method: str, path: str, account: Account, *, request_id: str | None = None,
              body: dict | None = None) -> dict:
        for attempt in (1, 2):
            headers = {"Authorization": f"Bearer {self._token(account, fresh=attempt == 2)}",
                       "Content-Type": "application/json", "Prefer": "return=representation"}
            if request_id:
                headers["PayPal-Request-Id"] = request_id
            try:
                answer = self.http.request(method, f"{self.url}{path}", json=body,
                                           headers=headers, timeout=self.timeout)
            except requests.RequestException as exc:
                raise ProviderError(f"PayPal unreachable: {type(exc).__name__}") from None
            if answer.status_code == 401 and attempt == 1:
                continue  # the token expired early or was revoked: one fresh token
            if answer.status_code >= 300:
                raise ProviderError(f"PayPal answered {answer.status_code}: {answer.text[:200]}")
            return answer.json()
        raise AssertionError("unreachable")

    # -- the provider interface -------------------------------------------------------------------
    def create_payment(self, account: Account, request: PaymentRequest) -> Created:
        order = self._call("POST", "/v2/checkout/orders", account, request_id=request.key, body={
            "intent": "CAPTURE",
            "purchase_units": [{
                "reference_id": request.key, "custom_id": request.key,
                "description": request.description[:127],
                "amount": {"currency_code": request.currency,
                           "value": to_decimal_string(request.amount, request.currency)}}],
            "application_context": {"return_url": request.return_url,
                                    "cancel_url": request.return_url,
                                    "user_action": "PAY_NOW", "shipping_preference":
                                        "NO_SHIPPING"},
        })
        link = _link(order, "approve") or _link(order, "payer-action")
        if link is None:
            raise ProviderError("PayPal gave no approve link")
        return Created(str(order["id"]), link)

    def payment_status(self, account: Account, provider_payment_id: str) -> Outcome:
        order = self._call("GET", f"/v2/checkout/orders/{provider_payment_id}", account)
        if order.get("status") == "APPROVED":
            captured = self._call("POST", f"/v2/checkout/orders/{provider_payment_id}/capture",
                                  account, request_id=f"capture-{provider_payment_id}", body={})
            # PayPal answers the capture with the order itself (`Prefer: return=representation`):
            # asked again only when the answer is not the order.
            if captured.get("id") == provider_payment_id and captured.get("status"):
                order = captured
            else:
                order = self._call("GET", f"/v2/checkout/orders/{provider_payment_id}", account)
        return _outcome(order)

    def refund(self, account: Account, provider_payment_id: str, key: str, amount: int,
               currency: str) -> str:
        order = self._call("GET", f"/v2/checkout/orders/{provider_payment_id}", account)
        capture = _capture(order)
        if capture is None or capture.get("status") not in ("COMPLETED", "PARTIALLY_REFUNDED"):
            raise ProviderError("the PayPal order has no completed capture to refund")
        body = self._call("POST", f"/v2/payments/captures/{capture['id']}/refund", account,
                          request_id=key, body={"amount": {
                              "currency_code": currency,
                              "value": to_decimal_string(amount, currency)}})
        if body.get("status") in ("CANCELLED", "FAILED"):
            raise ProviderError(f"PayPal did not make the refund ({body.get('status')})")
        return str(body["id"])

    def payment_ref(self, body: bytes) -> str:
        try:
            payload = json.loads(body)
            event_type, resource = payload["event_type"], payload["resource"]
        except (ValueError, KeyError, TypeError):
            raise BadNotification("not a PayPal notification") from None
        if not isinstance(event_type, str) or not isinstance(resource, dict):
            raise BadNotification("not a PayPal notification")
        if event_type.startswith("CHECKOUT.ORDER."):
            ref = resource.get("id")
        elif event_type.startswith("PAYMENT.CAPTURE."):
            ref = (((resource.get("supplementary_data") or {}).get("related_ids") or {})
                   .get("order_id"))
        else:
            raise BadNotification(f"event {event_type!r} names no order")
        if not isinstance(ref, str) or not ref:
            raise BadNotification("no order id")
        return ref



def _link(order: dict, rel: str) -> str | None:
    for link in order.get("links") or []:
        if link.get("rel") == rel and link.get("href"):
            return str(link["href"])
    return None


def _unit(order: dict) -> dict:
    units = order.get("purchase_units") or [{}]
    return units[0] or {}


def _capture(order: dict) -> dict | None:
    captures = ((_unit(order).get("payments") or {}).get("captures")) or []
    return captures[-1] if captures else None


def _outcome(order: dict) -> Outcome:
    status = order.get("status")
    capture = _capture(order)
    amount = (capture or {}).get("amount") or _unit(order).get("amount") or {}
    currency = amount.get("currency_code")
    try:
        value = to_minor_units(amount["value"], currency) if currency and "value" in amount \
            else None
    except ValueError as exc:
        raise ProviderError(f"PayPal amount: {exc}") from None
    ref = str(order["id"])
    if status == "COMPLETED":
        capture_status = (capture or {}).get("status")
        if capture_status in ("COMPLETED", "PARTIALLY_REFUNDED", "REFUNDED"):
            return Outcome(ref, "succeeded", value, currency)
        if capture_status in ("DECLINED", "FAILED"):
            return Outcome(ref, "failed", value, currency, "capture_declined")
        return Outcome(ref, "pending", value, currency)  # a capture PayPal is still reviewing
    if status == "VOIDED":
        return Outcome(ref, "failed", value, currency, "voided")
    if status in PENDING:
        return Outcome(ref, "pending", value, currency)
    raise ProviderError(f"unknown PayPal order status {status!r}")
