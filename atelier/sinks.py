"""Stand-ins for the outside parties notifications talks to, for development and tests: an SMTP sink,
a fake SMS gateway and a fake Telegram Bot API. `make run` starts them (`atelier sinks`); tests
start them in a thread on free ports.

| what | default address (environment variable) | it takes | it lists, at `GET /api/messages` |
| --- | --- | --- | --- |
| SMTP sink | SMTP `127.0.0.1:1025` (`MAIL_SINK_SMTP`), web view `127.0.0.1:8025` (`MAIL_SINK_WEB`) | any e-mail | `[{to, subject, text, html, received_at}]`, one entry per recipient |
| SMS gateway | `127.0.0.1:8026` (`SMS_FAKE_BIND`) | `POST /api/send {to, text}` | `[{to, text, received_at}]` |
| Telegram Bot API | `127.0.0.1:8027` (`TELEGRAM_FAKE_BIND`) | `POST /bot<token>/sendMessage {chat_id, text}` | `[{chat_id, text, received_at}]` |

Each web view also takes `DELETE /api/messages` (forget what was received) and
`POST /api/outage {"down": true|false}`: while down, the SMTP sink answers every message with
`421` (try again later), the SMS gateway with `503` and the Telegram API with `502`
(`{"ok": false, ...}`), as a real outage looks to a client; `GET /api/outage` tells the state.

The SMS protocol (ours; a real gateway is put behind an adapter of the same shape):
`POST <NOTIFICATIONS_SMS_URL>/send` with `{"to": "+79991234567", "text": "..."}` and, when a key is
set, `Authorization: Bearer <key>`; `200 {"id": ...}` accepted; `429` or `5xx` try again later; any
other `4xx` refused for good.
"""  # noqa: E501 - a table

from __future__ import annotations

import email
import email.policy
import itertools
import json
import re
import signal
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self

from aiosmtpd.controller import Controller

from services.common.settings import env

TELEGRAM_SEND = re.compile(r"^/bot(?P<token>[^/]+)/sendMessage$")


def _bind(value: str) -> tuple[str, int]:
    host, _, port = value.rpartition(":")
    return host or "127.0.0.1", int(port)


class Received:
    """What a fake received, and whether it is down; safe across threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._items: list[dict[str, Any]] = []
        self.down = False

    def add(self, item: dict[str, Any]) -> None:
        item["received_at"] = datetime.now(UTC).isoformat()
        with self._lock:
            self._items.append(item)

    def all(self) -> list[dict[str, Any]]:
        with self._lock:
            return list(self._items)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


class WebView:
    """A small HTTP server: the listing and outage switch every fake has, plus `post(path, body)`
    for what the fake itself takes (answering `(status, json)`)."""

    def __init__(self, received: Received, bind: tuple[str, int],
                 post: Callable[[str, dict[str, Any], dict[str, str]], tuple[int, Any]] | None = None):
        self.received, self.post = received, post
        self.server = ThreadingHTTPServer(bind, self._handler())
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> WebView:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        view = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self):  # noqa: N802 - http.server's name
                if self.path.split("?")[0] == "/api/messages":
                    return self._json(200, view.received.all())
                if self.path == "/api/outage":
                    return self._json(200, {"down": view.received.down})
                return self._json(404, {"error": "not found"})

            def do_DELETE(self):  # noqa: N802
                if self.path == "/api/messages":
                    view.received.clear()
                    return self._json(204, None)
                return self._json(404, {"error": "not found"})

            def do_POST(self):  # noqa: N802
                try:
                    body = self._body()
                except ValueError:
                    return self._json(400, {"error": "the body is not a JSON object"})
                if self.path == "/api/outage":
                    view.received.down = bool(body.get("down"))
                    return self._json(200, {"down": view.received.down})
                if view.post is None:
                    return self._json(404, {"error": "not found"})
                headers = {name.lower(): value for name, value in self.headers.items()}
                return self._json(*view.post(self.path, body, headers))

            def _body(self) -> dict[str, Any]:
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length) or b"{}")
                if not isinstance(body, dict):
                    raise ValueError("not an object")
                return body

            def _json(self, status: int, payload: Any) -> None:
                data = b"" if payload is None else json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format, *args):  # noqa: A002 - quiet
                pass

        return Handler


# -- the SMTP sink ---------------------------------------------------------------------------------
class _MailHandler:
    def __init__(self, received: Received):
        self.received = received

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        if self.received.down:
            return "421 4.3.0 The mail sink is down; try again later"
        message = email.message_from_bytes(envelope.original_content or envelope.content,
                                           policy=email.policy.default)
        text = message.get_body(("plain",))
        html = message.get_body(("html",))
        for rcpt in envelope.rcpt_tos:
            self.received.add({
                "to": rcpt, "from": envelope.mail_from, "subject": str(message["Subject"] or ""),
                "text": _lines(text.get_content()) if text is not None else "",
                "html": _lines(html.get_content()) if html is not None else None,
            })
        return "250 Message accepted for delivery"


class MailSink:
    """aiosmtpd on `smtp` and its web view on `web` (port 0: a free one)."""

    def __init__(self, smtp: tuple[str, int] = ("127.0.0.1", 0),
                 web: tuple[str, int] = ("127.0.0.1", 0)):
        self.received = Received()
        self.smtp_bind = smtp
        self.controller: Controller | None = None
        self.web = WebView(self.received, web)

    def start(self) -> MailSink:
        self.start_smtp()
        self.web.start()
        return self

    def start_smtp(self) -> None:
        """(Again, after `stop_smtp`, on the same port.)"""
        host, port = self.smtp_bind
        port = port or _free_port(host)
        self.controller = Controller(_MailHandler(self.received), hostname=host, port=port,
                                     ready_timeout=10)
        self.controller.start()
        self.smtp_bind = (host, port)

    def stop_smtp(self) -> None:
        """Take the SMTP server away: connections are refused until `start_smtp`."""
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    @property
    def smtp_host(self) -> str:
        return self.smtp_bind[0]

    @property
    def smtp_port(self) -> int:
        return self.smtp_bind[1]

    @property
    def messages(self) -> list[dict[str, Any]]:
        return self.received.all()

    def stop(self) -> None:
        self.stop_smtp()
        self.web.stop()


# -- the SMS gateway and Telegram Bot API -----------------------------------------------------------
class _ApiFake:
    """A fake HTTP API: what it received, answered and shown by its `web` view (`_post`)."""

    def __init__(self, bind: tuple[str, int]):
        self.received = Received()
        self.web = WebView(self.received, bind, self._post)

    def _post(self, path: str, body: dict[str, Any], headers: dict[str, str]) -> tuple[int, Any]:
        raise NotImplementedError

    @property
    def messages(self) -> list[dict[str, Any]]:
        return self.received.all()

    def start(self) -> Self:
        self.web.start()
        return self

    def stop(self) -> None:
        self.web.stop()


class SmsFake(_ApiFake):
    def __init__(self, bind: tuple[str, int] = ("127.0.0.1", 0), key: str | None = None):
        self.key = key
        super().__init__(bind)

    def _post(self, path: str, body: dict[str, Any], headers: dict[str, str]) -> tuple[int, Any]:
        if path != "/api/send":
            return 404, {"error": "not found"}
        if self.received.down:
            return 503, {"error": "the SMS gateway is down"}
        if self.key and headers.get("authorization") != f"Bearer {self.key}":
            return 401, {"error": "wrong key"}
        if not isinstance(body.get("to"), str) or not isinstance(body.get("text"), str):
            return 400, {"error": "to and text are required strings"}
        self.received.add({"to": body["to"], "text": body["text"]})
        return 200, {"id": len(self.received.all())}

    @property
    def url(self) -> str:
        return f"{self.web.url}/api"


class TelegramFake(_ApiFake):
    """`sendMessage` of the Bot API; any token is accepted unless `token` is set."""

    def __init__(self, bind: tuple[str, int] = ("127.0.0.1", 0), token: str | None = None):
        self.token = token
        self._ids = itertools.count(1)
        super().__init__(bind)

    def _post(self, path: str, body: dict[str, Any], headers: dict[str, str]) -> tuple[int, Any]:
        match = TELEGRAM_SEND.match(path)
        if match is None:
            return 404, {"ok": False, "error_code": 404, "description": "Not Found"}
        if self.received.down:
            return 502, {"ok": False, "error_code": 502, "description": "Bad Gateway"}
        if self.token and match["token"] != self.token:
            return 401, {"ok": False, "error_code": 401, "description": "Unauthorized"}
        chat_id, text = body.get("chat_id"), body.get("text")
        if chat_id in (None, "") or not isinstance(text, str) or not text:
            return 400, {"ok": False, "error_code": 400,
                         "description": "Bad Request: chat_id and text are required"}
        self.received.add({"chat_id": chat_id, "text": text})
        return 200, {"ok": True, "result": {"message_id": next(self._ids),
                                            "chat": {"id": chat_id}, "text": text}}

    @property
    def url(self) -> str:
        return self.web.url


def _lines(text: str) -> str:
    return text.replace("\r\n", "\n")


def _free_port(host: str) -> int:
    import socket

    with socket.socket() as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


KINDS = ("mail", "sms", "telegram")


def serve(kinds: tuple[str, ...] = KINDS, echo=print) -> None:
    """Run the fakes named until SIGTERM or SIGINT (`atelier sinks`)."""
    read = env().str
    started: list[Any] = []
    if "mail" in kinds:
        sink = MailSink(_bind(read("MAIL_SINK_SMTP", "127.0.0.1:1025")),
                        _bind(read("MAIL_SINK_WEB", "127.0.0.1:8025"))).start()
        started.append(sink)
        echo(f"SMTP sink on {sink.smtp_host}:{sink.smtp_port}, "
             f"its messages at {sink.web.url}/api/messages")
    if "sms" in kinds:
        sms = SmsFake(_bind(read("SMS_FAKE_BIND", "127.0.0.1:8026"))).start()
        started.append(sms)
        echo(f"fake SMS gateway at {sms.url}/send, its messages at {sms.web.url}/api/messages")
    if "telegram" in kinds:
        telegram = TelegramFake(_bind(read("TELEGRAM_FAKE_BIND", "127.0.0.1:8027"))).start()
        started.append(telegram)
        echo(f"fake Telegram Bot API at {telegram.url}, "
             f"its messages at {telegram.web.url}/api/messages")
    stopping = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stopping.set())
    while not stopping.wait(0.5):
        pass
    for fake in reversed(started):
        fake.stop()
