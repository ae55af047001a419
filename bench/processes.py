"""Starting and stopping what a benchmark measures: servers as child processes, a RabbitMQ virtual
host of its own, the gateway under gunicorn with its production config."""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
BROKER = os.environ.get("ATELIER_BENCH_BROKER", "amqp://guest:guest@127.0.0.1:5672/")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def rabbitmqctl(*args: str) -> None:
    subprocess.run(["rabbitmqctl", "-q", *args], check=True, capture_output=True, timeout=60)


@contextlib.contextmanager
def virtual_host(prefix: str) -> Iterator[str]:
    """A RabbitMQ virtual host for one run, deleted afterwards; yields its AMQP URI."""
    name = f"{prefix}-{uuid.uuid4().hex[:8]}"
    rabbitmqctl("add_vhost", name)
    rabbitmqctl("set_permissions", "-p", name, "guest", ".*", ".*", ".*")
    try:
        yield f"{BROKER.rstrip('/')}/{name}"
    finally:
        subprocess.run(["rabbitmqctl", "-q", "delete_vhost", name], capture_output=True,
                       timeout=60, check=False)


@contextlib.contextmanager
def broker_and_database(prefix: str) -> Iterator[tuple[str, str]]:
    """A RabbitMQ virtual host and an empty PostgreSQL database of their own, for a benchmark that
    runs alone: yields (AMQP URI, database URL), and removes both afterwards."""
    import tempfile

    from tests.support import harness

    vhost = harness.VirtualHost().create()
    dbs = harness.Databases("postgresql", Path(tempfile.mkdtemp(prefix=f"atelier-{prefix}-")))
    try:
        yield vhost.uri, dbs.url(f"{prefix}_{uuid.uuid4().hex[:6]}")
    finally:
        dbs.drop_all()
        vhost.delete().wait(60)


def start(cmd: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    with open(log, "ab") as out:
        return subprocess.Popen(cmd, env={**os.environ, "PYTHONPATH": str(ROOT), **env}, cwd=ROOT,
                                stdout=out, stderr=subprocess.STDOUT, start_new_session=True)


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)


def wait_until(predicate, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    pause = threading.Event()
    while time.monotonic() < deadline:
        try:
            if predicate():
                return
        except (OSError, http.client.HTTPException, KeyError, ValueError):
            pass
        pause.wait(0.1)
    raise SystemExit(f"timed out waiting for {what}")


def request(port: int, method: str, path: str, body=None, headers=None):
    """One JSON request on a new connection: (status, decoded body)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        payload = json.dumps(body) if body is not None else None
        all_headers = {"Content-Type": "application/json"} if payload else {}
        conn.request(method, path, body=payload, headers={**all_headers, **(headers or {})})
        response = conn.getresponse()
        return response.status, json.loads(response.read() or b"null")
    finally:
        conn.close()


def gunicorn_cmd(target: str) -> list[str]:
    return [str(BIN / "gunicorn"), "-c", "gateway/gunicorn.conf.py", target]


def gunicorn_shape() -> str:
    workers = os.environ.get("GATEWAY_WORKERS", "2")
    threads = os.environ.get("GATEWAY_THREADS", "8")
    return f"gunicorn gthread, {workers} workers x {threads} threads"


def health(port: int) -> bool:
    return request(port, "GET", "/health")[0] == 200


def serves(service: str):
    """A readiness check: the gateway reaches `service` (others may be down)."""
    return lambda port: request(port, "GET", "/ready")[1]["services"][service] == "ok"


def start_gateway(work: Path, env: dict[str, str] | None = None,
                  ready: Callable[[int], bool] = health) -> tuple[subprocess.Popen, int]:
    """The gateway under gunicorn with its production config, on a new SQLite database in `work`,
    once `ready(port)` holds."""
    import gateway

    db_url = f"sqlite:///{work / 'gateway.db'}"
    gateway.migrations_upgrade(db_url)
    port = free_port()
    metrics = work / "metrics-gateway"
    metrics.mkdir(exist_ok=True)
    proc = start(gunicorn_cmd("gateway.app:create_app()"), {
        "GATEWAY_BIND": f"127.0.0.1:{port}", "GATEWAY_DATABASE_URL": db_url,
        "GATEWAY_SECRET_KEY": uuid.uuid4().hex * 2, "PROMETHEUS_MULTIPROC_DIR": str(metrics),
        **(env or {})}, work / "gateway.log")

    def answers():
        if proc.poll() is not None:
            raise SystemExit(f"the gateway exited; see {work / 'gateway.log'}")
        return ready(port)

    wait_until(answers, 60, "the gateway")
    return proc, port


def signed_in(port: int, role: str = "seller") -> dict[str, str]:
    """Register a user of `role` on the gateway at `port`; its Authorization header."""
    email, password = f"bench-{uuid.uuid4().hex[:8]}@example.com", "bench password"
    request(port, "POST", "/api/v1/auth/register",
            {"email": email, "password": password, "name": "Bench", "role": role})
    status, token = request(port, "POST", "/api/v1/auth/login",
                            {"email": email, "password": password})
    assert status == 200, token
    return {"Authorization": f"Bearer {token['access_token']}"}
