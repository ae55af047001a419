import pytest

from gateway.settings import DEV_SECRET_KEY, GatewaySettings, InsecureConfiguration


def test_production_refuses_the_development_secret():
    with pytest.raises(InsecureConfiguration):
        GatewaySettings(environment="production", secret_key=DEV_SECRET_KEY).check()


def test_production_refuses_a_short_secret():
    with pytest.raises(InsecureConfiguration):
        GatewaySettings(environment="production", secret_key="short").check()


def test_production_accepts_a_long_random_secret():
    GatewaySettings(environment="production", secret_key="x" * 48).check()


def test_development_runs_with_the_default_secret():
    GatewaySettings(environment="development").check()


def test_settings_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("ATELIER_ENV", "production")
    monkeypatch.setenv("GATEWAY_SECRET_KEY", "k" * 40)
    monkeypatch.setenv("GATEWAY_RPC_TIMEOUT_SECONDS", "2.5")
    settings = GatewaySettings.from_env()
    assert (settings.environment, settings.secret_key, settings.rpc_timeout_seconds) == (
        "production", "k" * 40, 2.5)
