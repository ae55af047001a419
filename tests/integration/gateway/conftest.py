"""The gateway as production runs it (gunicorn, a subprocess on a free port) in front of real Nameko
services standing in for the platform's (`fake_services.py`), on a RabbitMQ virtual host of its own.

Everything here is started once per test session: starting gunicorn and Nameko takes seconds.
"""

from __future__ import annotations

import socket
import sqlite3
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

import gateway
from gateway.identity import create_admin
from tests.support import harness

FAKES = "tests.integration.gateway.fake_services"
FAKE_NAMES = ("catalog", "orders", "shipping", "payments", "notifications", "moderation", "gwprobe")
SECRET = "integration-secret-" + uuid.uuid4().hex
RPC_TIMEOUT = 2.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def gw_logs(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("gateway-logs")


@pytest.fixture(scope="session")
def gw_broker():
    host = harness.VirtualHost(f"atelier-gw-{harness.RUN_ID}-{uuid.uuid4().hex[:6]}").create()
    yield host
    host.delete().wait(60)


class Platform:
    """The stand-in services, in one `nameko run` process that tests may stop and start again."""

    def __init__(self, amqp_uri: str, log_dir: Path):
        self.process = harness.ServiceProcess(FAKES, {}, log_dir, amqp_uri)

    def start(self) -> None:
        self.process.start()
        for name in FAKE_NAMES:
            self.process.wait_healthy(name)

    def stop(self) -> None:
        self.process.stop()

    def logs(self) -> str:
        return self.process.logs()


@pytest.fixture(scope="session")
def platform(gw_broker, gw_logs):
    services = Platform(gw_broker.uri, gw_logs)
    services.start()
    yield services
    services.stop()


@dataclass
class Gateway:
    url: str
    process: harness.Process
    database: Path
    admin_email: str
    admin_password: str

    def api(self, path: str) -> str:
        return f"{self.url}/api/v1{path}"

    def user_count(self) -> int:
        with sqlite3.connect(self.database) as conn:
            return conn.execute("SELECT count(*) FROM users").fetchone()[0]

    def logs(self) -> str:
        return self.process.logs()


@pytest.fixture(scope="session")
def gateway_server(gw_broker, platform, gw_logs, tmp_path_factory):
    database = tmp_path_factory.mktemp("gateway-db") / "gateway.db"
    url = f"sqlite:///{database}"
    gateway.migrations_upgrade(url)
    admin_email, admin_password = "root@atelier.test", "admin-" + uuid.uuid4().hex
    create_admin(admin_email, admin_password, "Root", database_url=url)

    port = free_port()
    env = {
        "GATEWAY_BIND": f"127.0.0.1:{port}",
        "GATEWAY_DATABASE_URL": url,
        "AMQP_URI": gw_broker.uri,
        "GATEWAY_SECRET_KEY": SECRET,
        "GATEWAY_RPC_TIMEOUT_SECONDS": str(RPC_TIMEOUT),
        "GATEWAY_READY_TIMEOUT_SECONDS": "1",
        "GATEWAY_LOGIN_MAX_FAILURES": "3",
        "PROMETHEUS_MULTIPROC_DIR": str(tmp_path_factory.mktemp("metrics")),
        "ATELIER_ENV": "test",
    }
    cmd = [str(harness.BIN / "gunicorn"), "-c", "gateway/gunicorn.conf.py",
           "gateway.app:create_app()"]
    process = harness.Process("gateway", cmd, env, gw_logs).start()
    base = f"http://127.0.0.1:{port}"

    def healthy():
        if not process.running:
            raise AssertionError(f"gateway exited:\n{process.logs()[-3000:]}")
        return requests.get(f"{base}/health", timeout=2).status_code == 200

    harness.wait_for(healthy, 30, message="the gateway to answer /health")
    yield Gateway(base, process, database, admin_email, admin_password)
    process.stop()


@pytest.fixture
def http():
    with requests.Session() as session:
        yield session
