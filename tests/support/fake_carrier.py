"""What the fake carriers share: a real HTTP server on 127.0.0.1 (a free port) in a thread, and the
knobs every test uses. Each carrier's protocol is in its own module:

- `tests.support.fake_carrier_cdek.FakeCdek`: CDEK API v2 (OAuth 2 tokens, orders by CDEK number);
- `tests.support.fake_carrier_russian_post.FakeRussianPost`: Russian Post's SOAP 1.2 tracking.

    carrier = FakeCdek().start()
    carrier.fail("1234567890", 503)       # answer 503 for it until told otherwise (None: normal)
    carrier.asked("1234567890")           # how many requests have named it
    carrier.refusals                      # why requests were refused, in order ("wrong token", ...)
    carrier.stop()
"""

from __future__ import annotations

import sys
import threading
import traceback
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]  # names lower-cased
    body: bytes


@dataclass
class Answer:
    status: int
    content_type: str
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)


class FakeCarrierServer:
    """Subclasses answer `handle(request)`; `PATH` is appended to the server's address in `url`."""

    PATH = ""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._failures: dict[str, int] = {}
        self._asked: dict[str, int] = {}
        self.refusals: list[str] = []
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- what a test controls ---------------------------------------------------------------------
    def fail(self, number: str, status_code: int | None = 503) -> None:
        """Answer `status_code` for this number (None: answer normally again)."""
        with self._lock:
            if status_code is None:
                self._failures.pop(number, None)
            else:
                self._failures[number] = status_code

    def asked(self, number: str) -> int:
        with self._lock:
            return self._asked.get(number, 0)

    # -- for subclasses ---------------------------------------------------------------------------
    def handle(self, request: Request) -> Answer:
        raise NotImplementedError

    def _count(self, number: str) -> int | None:
        """Count a request about `number`; the failure status set for it, if any. Hold the lock."""
        self._asked[number] = self._asked.get(number, 0) + 1
        return self._failures.get(number)

    def _refuse(self, reason: str) -> None:
        """Note why a request was refused. Hold the lock."""
        self.refusals.append(reason)

    # -- the server -------------------------------------------------------------------------------
    @property
    def url(self) -> str:
        assert self._server is not None, "start the fake carrier first"
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}{self.PATH}"

    def start(self):
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, as the carriers' servers do

            def do_GET(self):  # noqa: N802 - http.server's name
                self._answer()

            def do_POST(self):  # noqa: N802 - http.server's name
                self._answer()

            def _answer(self):
                length = int(self.headers.get("Content-Length") or 0)
                parts = urlsplit(self.path)
                request = Request(
                    method=self.command,
                    path=parts.path,
                    query=parse_qs(parts.query),
                    headers={name.lower(): value for name, value in self.headers.items()},
                    body=self.rfile.read(length) if length else b"",
                )
                try:
                    answer = fake.handle(request)
                except Exception:  # noqa: BLE001 - a bug in the fake shows as a 500 and a traceback
                    traceback.print_exc(file=sys.stderr)
                    answer = Answer(500, "text/plain", b"the fake carrier failed")
                self.send_response(answer.status)
                self.send_header("Content-Type", answer.content_type)
                self.send_header("Content-Length", str(len(answer.body)))
                for name, value in answer.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(answer.body)

            def log_message(self, format, *args):  # noqa: A002 - quiet in tests
                pass

        return Handler
