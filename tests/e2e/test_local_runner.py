"""`make run`: the whole system comes up on SQLite with only a broker, and stops on SIGTERM."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import uuid
from pathlib import Path

import pytest
import requests

from services.common.settings import ROOT, SERVICES
from tests.support.harness import BIN, wait_for

pytestmark = pytest.mark.integration


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def processes_marked(marker: str) -> list[int]:
    """Processes whose environment carries `marker`: the runner's whole tree."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if marker.encode() in (entry / "environ").read_bytes():
                found.append(int(entry.name))
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
    return found


def test_the_runner_starts_everything_and_stops_it_all_on_sigterm(amqp_uri, tmp_path):
    port = free_port()
    marker = f"ATELIER_RUN_MARKER={uuid.uuid4().hex}"
    env = {
        **os.environ,
        marker.split("=")[0]: marker.split("=")[1],
        "AMQP_URI": amqp_uri,
        "GATEWAY_BIND": f"127.0.0.1:{port}",
        **{f"{name.upper()}_DATABASE_URL": f"sqlite:///{tmp_path / name}.db"
           for name in (*SERVICES, "gateway")},
    }
    log = tmp_path / "run.log"
    with open(log, "wb") as out:
        runner = subprocess.Popen([str(BIN / "atelier"), "run"], cwd=ROOT, env=env, stdout=out,
                                  stderr=subprocess.STDOUT, start_new_session=True)
    try:
        def ready():
            assert runner.poll() is None, log.read_text()
            response = requests.get(f"http://127.0.0.1:{port}/ready", timeout=5)
            return response.status_code == 200 and response.json()

        body = wait_for(ready, timeout=90, interval=0.5, message="the gateway to be ready")
        assert body["services"] == {name: "ok" for name in SERVICES}
        assert requests.get(f"http://127.0.0.1:{port}/health", timeout=5).status_code == 200
        output = log.read_text()
        assert f"http://127.0.0.1:{port}/api/v1" in output
        started = re.findall(r"\| (\S+) started \(pid=\d+\)", output)
        assert sorted(started) == sorted([*SERVICES, "relay", "gateway"])
        assert "Eventlet is deprecated" not in output
    finally:
        runner.send_signal(signal.SIGTERM)
        code = runner.wait(60)
    assert code == 0, log.read_text()[-2000:]
    wait_for(lambda: processes_marked(marker) == [], timeout=30,
             message="every process the runner started to exit")
