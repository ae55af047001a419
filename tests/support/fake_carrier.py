"""A carrier's tracking API for tests: a real HTTP server on 127.0.0.1, on a free port.

It speaks the JSON API the shipping service's carrier adapters call
(`services/shipping/carriers/json_api.py`):

    GET /tracking/<number>  →  200 {"number", "status", "events": [{"at", "status", "description"}]}
                               404 for a number it has not been told about

    carrier = FakeCarrier().start()
    env = {"SHIPPING_CARRIER_API_URL_CDEK": carrier.url}
    carrier.set_status("1234567890", "in_transit", "Left the sorting centre")
    carrier.fail("1234567890", 503)       # answer 503 for it until told otherwise
    carrier.asked("1234567890")           # how many times it was asked
    carrier.stop()
"""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote


class FakeCarrier:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._parcels: dict[str, dict] = {}
        self._failures: dict[str, int] = {}
        self._asked: dict[str, int] = {}
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- what a test controls ---------------------------------------------------------------------
    def set_status(self, number: str, status: str, description: str | None = None) -> None:
        """The parcel's status from now on; each call appends a tracking event."""
        with self._lock:
            parcel = self._parcels.setdefault(number, {"number": number, "events": []})
            parcel["status"] = status
            parcel["events"].append({
                "at": datetime.now(UTC).isoformat(),
                "status": status,
                "description": description or status.replace("_", " "),
            })

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

    # -- the server -------------------------------------------------------------------------------
    @property
    def url(self) -> str:
        assert self._server is not None, "start the fake carrier first"
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> FakeCarrier:
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def _answer(self, path: str) -> tuple[int, dict]:
        prefix = "/tracking/"
        if not path.startswith(prefix):
            return 404, {"error": "not found"}
        number = unquote(path[len(prefix):])
        with self._lock:
            self._asked[number] = self._asked.get(number, 0) + 1
            if number in self._failures:
                return self._failures[number], {"error": "carrier unavailable"}
            parcel = self._parcels.get(number)
            if parcel is None:
                return 404, {"error": f"unknown tracking number {number}"}
            return 200, json.loads(json.dumps(parcel))

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - http.server's name
                status, body = fake._answer(self.path.split("?", 1)[0])
                payload = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, format, *args):  # noqa: A002 - quiet in tests
                pass

        return Handler
