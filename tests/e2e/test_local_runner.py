"""`make run`: the whole system comes up on SQLite with only a broker, starts again a process that
dies, and leaves nothing behind when stopped with SIGTERM."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import threading
import time
from pathlib import Path

import pytest
import requests

from atelier.runner import Backoff
from services.common.settings import ROOT, SERVICES
from tests.support.harness import BIN, rpc_proxy, wait_for

pytestmark = pytest.mark.integration

STOP_WITHIN = 10.0  # seconds from SIGTERM to the last process gone


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# -- processes, as /proc shows them -----------------------------------------------------------------
def stat(pid: int) -> tuple[str, int, int, int] | None:
    """(state, parent pid, session id, start time) of `pid`, or None once it is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return None
    fields = text.rsplit(")", 1)[1].split()  # after the command name, which may hold spaces
    return fields[0], int(fields[1]), int(fields[3]), int(fields[19])


def all_pids() -> list[int]:
    return [int(entry.name) for entry in Path("/proc").iterdir() if entry.name.isdigit()]


def process_tree(root: int) -> dict[int, int]:
    """{pid: start time} of `root`, its descendants, and anything in the sessions of its children
    (each child leads a session of its own)."""
    stats = {pid: s for pid in all_pids() if (s := stat(pid))}
    tree = {root}
    grew = True
    while grew:
        sessions = {pid for pid in tree if pid != root}
        found = {pid for pid, (_, ppid, sid, _) in stats.items()
                 if ppid in tree or sid in sessions}
        grew = not found <= tree
        tree |= found
    return {pid: stats[pid][3] for pid in tree if pid in stats}


def still_running(tree: dict[int, int]) -> list[int]:
    """The pids of `tree` still running (the same process: a reused pid has another start time;
    a zombie has exited and only waits for its parent to notice)."""
    return [pid for pid, started in tree.items()
            if (s := stat(pid)) and s[3] == started and s[0] != "Z"]


def processes_carrying(*markers: str) -> list[int]:
    """Processes whose command line or environment holds one of `markers` (a test's vhost, its
    temporary directory): whatever the runner started for that test."""
    found = []
    for pid in all_pids():
        if pid == os.getpid():
            continue
        try:
            text = (Path(f"/proc/{pid}/cmdline").read_bytes()
                    + Path(f"/proc/{pid}/environ").read_bytes())
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
        if any(marker.encode() in text for marker in markers):
            found.append(pid)
    return found


# -- the runner, as `make run` starts it ---------------------------------------------------------------
class Runner:
    """`atelier run ARGS` on a vhost, SQLite files and a port of the test's own."""

    def __init__(self, amqp_uri: str, tmp_path: Path, *args: str):
        self.amqp_uri, self.tmp_path, self.args = amqp_uri, tmp_path, args
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.vhost = amqp_uri.rsplit("/", 1)[1]
        self.env = {
            **os.environ,
            "AMQP_URI": amqp_uri,
            "GATEWAY_BIND": f"127.0.0.1:{self.port}",
            "PAYMENTS_WEBHOOK_ADDRESS": f"127.0.0.1:{free_port()}",
            "SANDBOX_BIND": f"127.0.0.1:{free_port()}",
            **{f"{name.upper()}_DATABASE_URL": f"sqlite:///{tmp_path / name}.db"
               for name in (*SERVICES, "gateway")},
            # the SMTP sink and the fake SMS and Telegram APIs, on ports of the test's own
            **{name: f"127.0.0.1:{free_port()}" for name in (
                "MAIL_SINK_SMTP", "MAIL_SINK_WEB", "SMS_FAKE_BIND", "TELEGRAM_FAKE_BIND")},
        }
        self.log = tmp_path / f"run-{len(list(tmp_path.glob('run-*.log')))}.log"
        self.proc: subprocess.Popen | None = None

    def start(self) -> Runner:
        with open(self.log, "wb") as out:
            self.proc = subprocess.Popen([str(BIN / "atelier"), "run", *self.args], cwd=ROOT,
                                         env=self.env, stdout=out, stderr=subprocess.STDOUT,
                                         start_new_session=True)
        return self

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def started(self) -> dict[str, list[int]]:
        """{process name: pids it was started with, in order}."""
        pids: dict[str, list[int]] = {}
        for name, pid in re.findall(r"\| (\S+) started \(pid=(\d+)\)", self.output()):
            pids.setdefault(name, []).append(int(pid))
        return pids

    def wait_health(self, timeout: float = 60) -> None:
        def up():
            assert self.proc.poll() is None, self.output()[-3000:]
            return requests.get(f"{self.url}/health", timeout=2).status_code == 200

        wait_for(up, timeout, interval=0.2, message="the gateway to answer /health")

    def wait_ready(self, timeout: float = 90) -> dict:
        def ready():
            assert self.proc.poll() is None, self.output()[-3000:]
            response = requests.get(f"{self.url}/ready", timeout=5)
            return response.status_code == 200 and response.json()

        return wait_for(ready, timeout, interval=0.5, message="the gateway to be ready")

    def stop_and_check_nothing_is_left(self, sig: int = signal.SIGTERM) -> None:
        """Send `sig` to the runner: it exits 0, and within STOP_WITHIN seconds no process it
        started (every pid of the tree seen just before, anything carrying the vhost or the test's
        directory) is still running."""
        tree = process_tree(self.proc.pid)
        assert len(tree) > 1, self.output()[-3000:]
        sent = time.monotonic()
        self.proc.send_signal(sig)
        code = self.proc.wait(STOP_WITHIN)
        assert code == 0, self.output()[-3000:]
        left = max(0.1, STOP_WITHIN - (time.monotonic() - sent))
        wait_for(lambda: not still_running(tree), left,
                 message=f"every process of the runner's tree {sorted(tree)} to exit")
        wait_for(lambda: not processes_carrying(self.vhost, str(self.tmp_path)), 1,
                 message="no process carrying the test's vhost or directory")

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)


@pytest.fixture
def runners(amqp_uri, tmp_path):
    """Start `atelier run ARGS`; whatever a failing test left running is killed at the end."""
    started: list[Runner] = []

    def start(*args: str) -> Runner:
        runner = Runner(amqp_uri, tmp_path, *args).start()
        started.append(runner)
        return runner

    yield start
    for runner in started:
        tree = process_tree(runner.proc.pid) if runner.proc.poll() is None else {}
        runner.kill()
        for pid in still_running(tree):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)


# -- the tests ---------------------------------------------------------------------------------------
def test_a_killed_service_is_started_again_and_sigterm_stops_everything(runners):
    runner = runners()
    body = runner.wait_ready()
    assert body["services"] == {name: "ok" for name in SERVICES}
    output = runner.output()
    assert f"{runner.url}/api/v1" in output
    assert sorted(runner.started()) == sorted([*SERVICES, "relay", "sandbox", "sinks", "gateway"])
    assert "Eventlet is deprecated" not in output

    health_failures: list[str] = []
    watching = threading.Event()

    def watch_health():
        while not watching.wait(0.1):
            try:
                status = requests.get(f"{runner.url}/health", timeout=5).status_code
            except requests.RequestException as exc:
                health_failures.append(repr(exc))
            else:
                if status != 200:
                    health_failures.append(f"/health answered {status}")

    watcher = threading.Thread(target=watch_health)
    watcher.start()
    try:
        [killed] = runner.started()["catalog"]
        os.kill(killed, signal.SIGKILL)

        def catalog_is_back():
            assert runner.proc.poll() is None, runner.output()[-3000:]
            *_, latest = runner.started()["catalog"]
            if latest == killed or (stat(latest) or "Z")[0] == "Z":
                return False
            with rpc_proxy(runner.amqp_uri, timeout=2) as rpc:
                return rpc.catalog.health()["status"] == "ok"

        wait_for(catalog_is_back, timeout=30, interval=0.2,
                 message="the catalog to be started again and answer health")
    finally:
        watching.set()
        watcher.join()
    assert health_failures == []
    assert "catalog exited (rc=-9, SIGKILL); restarting in 1 s" in runner.output()
    assert runner.wait_ready(timeout=30)["services"] == {name: "ok" for name in SERVICES}
    for name in ("relay", "gateway", *(s for s in SERVICES if s != "catalog")):
        assert len(runner.started()[name]) == 1, f"{name} was started again"

    runner.stop_and_check_nothing_is_left()


# Twenty rounds take minutes: `make test-faults` runs them all, `make test` a bounded few.
SIGTERM_ROUNDS = int(os.environ.get("ATELIER_SIGTERM_ROUNDS", "20"))


def test_sigterm_leaves_no_process_behind_twenty_times_in_a_row(runners):
    # The gateway alone: gunicorn's master and its workers (grandchildren of the runner), quick
    # enough to start twenty times; the whole system's stop is checked by the test above.
    for _ in range(SIGTERM_ROUNDS):
        runner = runners("gateway")
        runner.wait_health()
        wait_for(lambda r=runner: len(process_tree(r.proc.pid)) >= 4, timeout=30,
                 message="gunicorn's workers to start")  # the runner, the master, two workers
        runner.stop_and_check_nothing_is_left()


def test_ctrl_c_stops_everything_as_sigterm_does(runners):
    runner = runners("gateway", "relay")
    runner.wait_health()
    wait_for(lambda: len(process_tree(runner.proc.pid)) >= 5, timeout=30,
             message="the relay and gunicorn's workers to start")
    runner.stop_and_check_nothing_is_left(signal.SIGINT)
    assert "SIGINT received" in runner.output()


def test_exit_on_crash_stops_everything_when_one_process_dies(runners):
    runner = runners("--exit-on-crash", "gateway", "relay")
    runner.wait_health()
    wait_for(lambda: "relay" in runner.started(), timeout=30, message="the relay to start")
    tree = process_tree(runner.proc.pid)
    [relay] = runner.started()["relay"]
    os.kill(relay, signal.SIGKILL)

    code = runner.proc.wait(STOP_WITHIN)
    assert code == 128 + signal.SIGKILL, runner.output()[-3000:]
    assert "relay exited (rc=-9, SIGKILL); stopping everything" in runner.output()
    wait_for(lambda: not still_running(tree), 1, message="every process of the runner to exit")
    assert processes_carrying(runner.vhost, str(runner.tmp_path)) == []


def test_the_back_off_doubles_to_a_cap_and_starts_over_after_a_healthy_minute():
    backoff = Backoff(base=1, cap=30, healthy_after=60)
    assert [backoff.after_exit(ran_for=5) for _ in range(7)] == [1, 2, 4, 8, 16, 30, 30]
    assert backoff.after_exit(ran_for=61) == 1
    assert backoff.after_exit(ran_for=5) == 2
