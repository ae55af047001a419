"""Identity's migrations and use cases on PostgreSQL (the HTTP tests run on SQLite)."""

from __future__ import annotations

import pytest

import gateway
from gateway.db import Store
from gateway.identity import actions, create_admin
from services.common.errors import Conflict
from tests.support import harness

pytestmark = [pytest.mark.integration, pytest.mark.postgres]


@pytest.fixture
def pg_url(tmp_path):
    databases = harness.Databases("postgresql", tmp_path)
    yield databases.url("gateway")
    databases.drop_all()


def test_register_login_and_throttle_on_postgresql(pg_url):
    gateway.migrations_upgrade(pg_url)
    store = Store(pg_url)
    try:
        policy = actions.policy_from(type("S", (), {"login_max_failures": 2,
                                                    "login_window_seconds": 60,
                                                    "login_lockout_seconds": 60})())
        user = actions.register(store, email="Pg@Example.com", password="long enough pw",
                                name="Pg", role="seller")
        assert user.email == "pg@example.com"
        with pytest.raises(Conflict):
            actions.register(store, email="pg@example.com", password="x" * 10, name="P",
                             role="buyer")
        assert actions.login(store, email="pg@example.com", password="long enough pw",
                             policy=policy).id == user.id
        for _ in range(2):
            with pytest.raises(actions.LoginRefused):
                actions.login(store, email="pg@example.com", password="nope", policy=policy)
        with pytest.raises(actions.LoginThrottled):
            actions.login(store, email="pg@example.com", password="long enough pw",
                          policy=policy)
    finally:
        store.dispose()
    admin = create_admin("boss@example.com", "long enough pw", "Boss", database_url=pg_url)
    assert admin["roles"] == ["admin"]
