"""The sandbox payment provider: a real HTTP server, run as its own process, that behaves like an
acquirer so the whole payment flow can be tried without one.

    python -m services.payments.sandbox          # SANDBOX_BIND, default 127.0.0.1:8090

API (HTTP basic auth with the shop's account id and secret key, as the shop entered them):
- `POST /api/payments` `{amount: {amount, currency}, description, return_url, notification_url,
  metadata}` with `Idempotence-Key` → 201 `{id, status: "pending", amount, confirmation_url}`
  (the same key answers the same payment);
- `GET /api/payments/{id}` → `{id, status, amount}` (`pending`, `succeeded`, `failed`);
- `POST /api/payments/{id}/refunds` `{amount}` with `Idempotence-Key` → 201 `{id, status}`;
  more than is left to refund → 400.
The payment page `GET /pay/{id}` shows Approve and Decline; `POST /pay/{id}` with the form field
`action=approve|decline` settles it and sends the notification, signed with the shop's secret
(`Sandbox-Signature`, see `services.payments.domain.signatures`), to `notification_url`, then
redirects (303) to `return_url`. With `notify=no` it settles without notifying (a notification
lost on the way). For people and tests: `GET /api/payments/{id}/notifications` lists what was
signed (and whether it was delivered), `POST /api/payments/{id}/notifications/resend` sends the last one again.
"""

from __future__ import annotations

import base64
import html
import json
import logging
import os
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import requests

from .domain.signatures import sign

log = logging.getLogger("sandbox")
SIGNATURE_HEADER = "Sandbox-Signature"


class Ledger:
    def __init__(self, public_url: str):
        self.public_url = public_url
        self.lock = threading.Lock()
        self.payments: dict[str, dict] = {}
        self.by_key: dict[tuple[str, str], str] = {}
        self.refunds_by_key: dict[tuple[str, str], dict] = {}

    def create(self, account: tuple[str, str], key: str, body: dict) -> dict:
        with self.lock:
            known = self.by_key.get((account[0], key))
            if known:
                return self.payments[known]
            payment_id = "sbx_" + uuid.uuid4().hex
            payment = {
                "id": payment_id, "status": "pending", "amount": body["amount"],
                "account": account, "return_url": body.get("return_url"),
                "notification_url": body.get("notification_url"),
                "description": body.get("description") or "", "refunded": 0,
                "confirmation_url": f"{self.public_url}/pay/{payment_id}", "sent": [],
            }
            self.payments[payment_id] = payment
            self.by_key[(account[0], key)] = payment_id
            return payment


def public(payment: dict) -> dict:
    return {key: payment[key] for key in ("id", "status", "amount", "confirmation_url")}


def notify(payment: dict, deliver: bool = True) -> int | None:
    """Sign the notification of the payment's status and send it (unless `deliver` is false: a
    notification lost on the way); the answer's status (None: no answer)."""
    body = json.dumps({"event": f"payment.{payment['status']}",
                       "payment": {"id": payment["id"], "status": payment["status"],
                                   "amount": payment["amount"]}}).encode()
    headers = {"Content-Type": "application/json",
               SIGNATURE_HEADER: sign(payment["account"][1], body, int(time.time()))}
    record = {"url": payment["notification_url"], "headers": headers, "body": body.decode(),
              "status": None}
    payment["sent"].append(record)
    if not deliver:
        return None
    try:
        record["status"] = requests.post(payment["notification_url"], data=body,
                                         headers=headers, timeout=10).status_code
    except requests.RequestException as exc:
        log.warning("notification of %s not delivered: %r", payment["id"], exc)
    return record["status"]


def resend(payment: dict) -> int | None:
    last = payment["sent"][-1]
    try:
        return requests.post(last["url"], data=last["body"].encode(), headers=last["headers"],
                             timeout=10).status_code
    except requests.RequestException:
        return None


def make_handler(ledger: Ledger):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, fmt, *args):  # one JSON-free line per request, to stderr
            log.info("%s %s", self.command, self.path)

        def _send(self, status: int, body: bytes | dict | str, content_type="application/json",
                  headers: dict | None = None):
            if isinstance(body, dict | list):
                body = json.dumps(body).encode()
            elif isinstance(body, str):
                body = body.encode()
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)

        def _body(self) -> bytes:
            return self.rfile.read(int(self.headers.get("Content-Length") or 0))

        def _account(self) -> tuple[str, str] | None:
            auth = self.headers.get("Authorization") or ""
            if not auth.startswith("Basic "):
                return None
            try:
                user, _, secret = base64.b64decode(auth[6:]).decode().partition(":")
            except ValueError:
                return None
            return (user, secret) if user and secret else None

        def _payment(self, payment_id: str, account=None) -> dict | None:
            payment = ledger.payments.get(payment_id)
            if payment is None or (account is not None and payment["account"] != account):
                return None
            return payment

        def do_GET(self):  # noqa: N802 - http.server's name
            parts = self.path.split("?")[0].strip("/").split("/")
            if parts[0] == "health":
                return self._send(200, {"status": "ok"})
            if parts[0] == "pay" and len(parts) == 2:
                payment = self._payment(parts[1])
                if payment is None:
                    return self._send(404, "No such payment", "text/plain")
                return self._send(200, _page(payment), "text/html; charset=utf-8")
            if parts[:2] == ["api", "payments"] and len(parts) == 4 and \
                    parts[3] == "notifications":
                payment = self._payment(parts[2])
                if payment is None:
                    return self._send(404, {"error": "no such payment"})
                return self._send(200, {"items": payment["sent"]})
            if parts[:2] == ["api", "payments"] and len(parts) == 3:
                account = self._account()
                if account is None:
                    return self._send(401, {"error": "basic auth required"})
                payment = self._payment(parts[2], account)
                if payment is None:
                    return self._send(404, {"error": "no such payment"})
                return self._send(200, public(payment))
            return self._send(404, {"error": "not found"})

        def do_POST(self):  # noqa: N802 - http.server's name
            parts = self.path.split("?")[0].strip("/").split("/")
            raw = self._body()
            if parts[0] == "pay" and len(parts) == 2:
                return self._settle(parts[1], raw)
            if parts[:2] != ["api", "payments"]:
                return self._send(404, {"error": "not found"})
            if len(parts) == 5 and parts[3:] == ["notifications", "resend"]:
                payment = self._payment(parts[2])
                if payment is None or not payment["sent"]:
                    return self._send(404, {"error": "nothing sent"})
                return self._send(200, {"status": resend(payment)})
            account = self._account()
            if account is None:
                return self._send(401, {"error": "basic auth required"})
            key = self.headers.get("Idempotence-Key")
            if not key:
                return self._send(400, {"error": "Idempotence-Key required"})
            try:
                body = json.loads(raw or b"{}")
                amount = body["amount"]
                if not isinstance(amount["amount"], int) or amount["amount"] <= 0:
                    raise ValueError
            except (ValueError, KeyError, TypeError):
                return self._send(400, {"error": "bad request"})
            if len(parts) == 2:
                return self._send(201, public(ledger.create(account, key, body)))
            if len(parts) == 4 and parts[3] == "refunds":
                return self._refund(parts[2], account, key, amount)
            return self._send(404, {"error": "not found"})

        def _refund(self, payment_id, account, key, amount):
            with ledger.lock:
                payment = self._payment(payment_id, account)
                if payment is None:
                    return self._send(404, {"error": "no such payment"})
                done = ledger.refunds_by_key.get((payment_id, key))
                if done is None:
                    left = payment["amount"]["amount"] - payment["refunded"]
                    if payment["status"] != "succeeded" or amount["amount"] > left:
                        return self._send(400, {"error": "cannot refund that much"})
                    payment["refunded"] += amount["amount"]
                    done = {"id": "sbr_" + uuid.uuid4().hex, "status": "succeeded",
                            "amount": amount}
                    ledger.refunds_by_key[(payment_id, key)] = done
            return self._send(201, done)

        def _settle(self, payment_id: str, raw: bytes):
            form = {k: v[0] for k, v in parse_qs(raw.decode()).items()}
            action = form.get("action")
            with ledger.lock:
                payment = self._payment(payment_id)
                if payment is None:
                    return self._send(404, "No such payment", "text/plain")
                if action not in ("approve", "decline") or payment["status"] != "pending":
                    return self._send(409, "This payment is not waiting", "text/plain")
                payment["status"] = "succeeded" if action == "approve" else "failed"
            status = notify(payment, deliver=form.get("notify") != "no")
            headers = {"X-Sandbox-Notification-Status": str(status)}
            if payment["return_url"]:
                headers["Location"] = payment["return_url"]
            return self._send(303 if payment["return_url"] else 200,
                              f"Payment {payment['status']}", "text/plain", headers)

    return Handler


def _page(payment: dict) -> str:
    amount = payment["amount"]
    figure = f"{amount['amount'] // 100}.{amount['amount'] % 100:02d} {amount['currency']}"
    pid = html.escape(payment["id"])
    buttons = "" if payment["status"] != "pending" else (
        f'<form method="post" action="/pay/{pid}">'
        '<button name="action" value="approve">Approve</button> '
        '<button name="action" value="decline">Decline</button></form>')
    return (f"<!doctype html><title>Sandbox payment</title><h1>Sandbox payment</h1>"
            f"<p>{html.escape(payment['description'])}</p><p>{html.escape(figure)}</p>"
            f"<p>Status: {html.escape(payment['status'])}</p>{buttons}")


def serve(bind: str, public_url: str | None = None) -> ThreadingHTTPServer:
    host, _, port = bind.rpartition(":")
    server = ThreadingHTTPServer((host or "127.0.0.1", int(port)), None)
    actual = f"http://{host or '127.0.0.1'}:{server.server_address[1]}"
    server.RequestHandlerClass = make_handler(Ledger(public_url or actual))
    return server


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s sandbox %(message)s")
    bind = os.environ.get("SANDBOX_BIND", "127.0.0.1:8090")
    server = serve(bind, os.environ.get("SANDBOX_PUBLIC_URL"))
    log.info("sandbox payment provider on %s", bind)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
