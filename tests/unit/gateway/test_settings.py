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


def test_media_settings_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("MEDIA_STORAGE", "s3")
    monkeypatch.setenv("MEDIA_S3_BUCKET", "shop-media")
    monkeypatch.setenv("MEDIA_MAX_LOGO_BYTES", "2000000")
    settings = GatewaySettings.from_env()
    settings.check()
    assert settings.media_storage == "s3" and settings.media_s3_bucket == "shop-media"
    assert settings.media_limit("logo") == 2_000_000
    assert settings.media_limit("digital") == 200 * 1024 * 1024


def test_an_unknown_media_storage_is_refused():
    with pytest.raises(ValueError, match="MEDIA_STORAGE"):
        GatewaySettings(media_storage="ftp").check()
