"""A production process refuses the hooks tests use to move time and kill processes."""

from __future__ import annotations

import os
import subprocess

import pytest

from gateway.settings import GatewaySettings
from services.common.settings import UnsafeInProduction
from tests.support.harness import BIN, NAMEKO_CONFIG, ROOT

pytestmark = pytest.mark.integration


def production_env(tmp_path, **extra) -> dict[str, str]:
    clock = tmp_path / "clock"
    clock.write_text("0")
    env = {k: v for k, v in os.environ.items() if not k.startswith("ATELIER_")}
    env.update(ATELIER_ENV="production", ATELIER_CLOCK_FILE=str(clock),
               MODERATION_DATABASE_URL=f"sqlite:///{tmp_path / 'moderation.db'}", **extra)
    return env


def test_a_service_started_in_production_with_the_clock_file_set_stops_saying_why(tmp_path):
    done = subprocess.run(
        [str(BIN / "nameko"), "run", "--config", str(NAMEKO_CONFIG), "services.moderation.service"],
        cwd=ROOT, env=production_env(tmp_path), capture_output=True, text=True, timeout=120)
    assert done.returncode != 0
    assert "ATELIER_CLOCK_FILE is for tests only and refused when ATELIER_ENV=production" in (
        done.stderr + done.stdout)


def test_the_relay_and_the_gateway_refuse_failpoints_and_the_clock_in_production(
        tmp_path, monkeypatch):
    done = subprocess.run([str(BIN / "atelier"), "relay", "moderation"], cwd=ROOT,
                          env=production_env(tmp_path, ATELIER_FAILPOINTS="relay.after_publish"),
                          capture_output=True, text=True, timeout=120)
    assert done.returncode != 0
    assert "ATELIER_CLOCK_FILE and ATELIER_FAILPOINTS are for tests only" in done.stderr

    monkeypatch.setenv("ATELIER_CLOCK_FILE", str(tmp_path / "clock"))
    settings = GatewaySettings(environment="production", secret_key="x" * 40)
    with pytest.raises(UnsafeInProduction, match="ATELIER_CLOCK_FILE is for tests only"):
        settings.check()
    GatewaySettings(environment="development", secret_key="x" * 40).check()
