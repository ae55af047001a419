"""The gateway app in-process, on a SQLite file, with the services replaced by a scripted fake."""

from __future__ import annotations

from typing import Any

import pytest

import gateway
from gateway.app import create_app
from gateway.rpc.errors import RemoteError, ServiceUnavailable
from gateway.settings import GatewaySettings

SECRET = "unit-test-secret-" + "x" * 32


class _Reply:
    def __init__(self, service, outcome):
        self.service = service
        self._outcome = outcome

    def result(self):
        if isinstance(self._outcome, Exception):
            raise self._outcome
        return self._outcome


class FakeServices:
    """Answers calls from a script: `answers[(service, method)] = value | exception | callable`."""

    def __init__(self):
        self.answers: dict[tuple[str, str], Any] = {}
        self.calls: list[tuple[str, str, tuple, dict]] = []

    def call_async(self, service, method, *args, context=None, timeout=None, **kwargs):
        self.calls.append((service, method, args, dict(context or {})))
        answer = self.answers.get((service, method), ServiceUnavailable(service, "not running"))
        if isinstance(answer, ServiceUnavailable):
            raise answer
        if callable(answer) and not isinstance(answer, Exception):
            answer = answer(*args)
        return _Reply(service, answer)

    def broker_reachable(self):
        return True


def remote(exc_type, *args):
    return RemoteError("svc", exc_type, list(args), str(args[0]) if args else "")


@pytest.fixture
def settings(tmp_path):
    return GatewaySettings(database_url=f"sqlite:///{tmp_path / 'gateway.db'}",
                           secret_key=SECRET, login_max_failures=3, retry_after_seconds=7)


@pytest.fixture
def fake_services():
    return FakeServices()


@pytest.fixture
def app(settings, fake_services):
    gateway.migrations_upgrade(settings.database_url)
    app = create_app(settings)
    app.extensions["gateway_rpc"] = fake_services
    yield app
    app.extensions["gateway_store"].dispose()


@pytest.fixture
def client(app):
    return app.test_client()


def register(client, email="ann@example.com", password="correct horse", role="buyer", **extra):
    body = {"email": email, "password": password, "name": "Ann", "role": role, **extra}
    return client.post("/api/v1/auth/register", json=body)


def token_for(client, email="ann@example.com", password="correct horse"):
    response = client.post("/api/v1/auth/login", json={"email": email, "password": password})
    assert response.status_code == 200, response.get_json()
    return {"Authorization": f"Bearer {response.get_json()['access_token']}"}
