"""Fixtures shared by the integration and end-to-end tests. Unit tests use none of them."""

from __future__ import annotations

import pytest

from tests.support import harness

BACKENDS = ["sqlite", "postgresql"]


@pytest.fixture
def vhost():
    """A RabbitMQ virtual host for this test alone."""
    host = harness.VirtualHost().create()
    yield host
    host.delete()


@pytest.fixture
def amqp_uri(vhost) -> str:
    return vhost.uri


@pytest.fixture(params=BACKENDS)
def databases(request, tmp_path):
    """Fresh databases on each backend in turn: SQLite files, then PostgreSQL databases."""
    dbs = harness.Databases(request.param, tmp_path)
    yield dbs
    dbs.drop_all()


@pytest.fixture
def processes(tmp_path, amqp_uri):
    """Start services and relays; every one still running is stopped when the test ends."""
    started: list[harness.Process] = []

    class Starter:
        log_dir = tmp_path

        def service(self, target: str, env: dict[str, str] | None = None,
                    wait: str | None = None) -> harness.ServiceProcess:
            proc = harness.ServiceProcess(target, env or {}, tmp_path, amqp_uri).start()
            started.append(proc)
            if wait:
                proc.wait_healthy(wait)
            return proc

        def relay(self, services: list[str], env: dict[str, str] | None = None) -> harness.Process:
            proc = harness.relay_process(services, env or {}, tmp_path, amqp_uri).start()
            started.append(proc)
            return proc

    yield Starter()
    for proc in reversed(started):
        proc.stop()


@pytest.fixture(scope="module", params=BACKENDS)
def system(request, tmp_path_factory):
    """Services of a test module, on each backend in turn, sharing one vhost and one set of databases.

    Start them once per module (`system.start("catalog")` in a module fixture or the first test) and
    keep tests independent by giving each its own shops, users and products.
    """
    vhost = harness.VirtualHost().create()
    tmp = tmp_path_factory.mktemp("system")
    dbs = harness.Databases(request.param, tmp)
    running = harness.System(vhost, dbs, tmp)
    yield running
    running.stop()
    dbs.drop_all()
    vhost.delete()
