"""`make run`: the whole system on one machine, each part its own process, logs prefixed by name."""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path

from honcho.manager import Manager

from services.common import migrations, settings

from . import broker

ROOT = settings.ROOT
BIN = Path(sys.executable).parent


def processes() -> dict[str, str]:
    nameko = BIN / "nameko"
    config = ROOT / "deploy" / "nameko.yaml"
    procs = {
        name: f"{nameko} run --config {config} services.{name}.service"
        for name in settings.SERVICES
    }
    procs["relay"] = f"{BIN / 'atelier'} relay"
    procs["gateway"] = (
        f"{BIN / 'gunicorn'} -c {ROOT / 'gateway' / 'gunicorn.conf.py'} 'gateway.app:create_app()'"
    )
    return procs


def migrate_all(echo=print) -> None:
    for service in settings.SERVICES:
        migrations.upgrade(service)
        echo(f"migrated {service} ({settings.database_url(service)})")
    from gateway import migrations_upgrade

    migrations_upgrade()
    echo(f"migrated gateway ({settings.database_url('gateway')})")


def run(echo=print) -> int:
    uri = settings.amqp_uri()
    broker.ensure(uri, echo=echo)
    migrate_all(echo=echo)
    bind = os.environ.setdefault("GATEWAY_BIND", "127.0.0.1:8080")
    manager = Manager()
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    env.setdefault("PYTHONWARNINGS", settings.QUIET_EVENTLET_WARNINGS)
    for name, cmd in processes().items():
        manager.add_process(name, cmd, env=env, cwd=str(ROOT))
    echo(f"Atelier is starting: gateway at http://{bind}/api/v1 (health: http://{bind}/health, "
         f"readiness: http://{bind}/ready). Ctrl-C stops everything.")
    manager.loop()
    # Stopped by Ctrl-C or SIGTERM: every process ended on our signal, which is a clean stop.
    stopped_by_signal = (None, 0, -signal.SIGINT, -signal.SIGTERM,
                         128 + signal.SIGINT, 128 + signal.SIGTERM)
    return 0 if manager.returncode in stopped_by_signal else manager.returncode
