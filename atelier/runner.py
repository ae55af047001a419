"""`make run`: the whole system on one machine, each part its own process, logs prefixed by name.

Every process runs in a session of its own, so a signal reaches its whole group (gunicorn's workers
too) and a Ctrl-C in the terminal reaches only the runner, which decides:

- A process that exits on its own (a crash, `kill -9`) is logged with its exit code and started
  again after a back-off: 1 s, doubling up to 30 s, back to 1 s once it has run a minute. What is
  left of its process group (orphaned workers holding the port) is killed first. The others keep
  running, so one crashed service does not take the marketplace down.
- SIGINT or SIGTERM to the runner stops everything: each process group gets SIGTERM, a group still
  there after `GRACE` seconds gets SIGKILL (a second Ctrl-C sends it at once), and the runner exits
  0 once every process is gone.
- `exit_on_crash` (`atelier run --exit-on-crash`) keeps honcho's behaviour for tests that want it:
  the first process to exit stops all the others, and the runner exits non-zero.

Why a small loop of our own rather than a library's: honcho's `Manager` stops everything when one
process ends and cannot restart one; supervisor restarts a process that had been running at once,
with no delay (its back-off only covers start-up failures, grows by one second a try, and gives up
for good after `startretries`), needs a configuration file, a daemon and its control socket, and
does not prefix its programs' output with their names. So this module keeps
honcho's pieces (its `Popen`: a command in a new session with its output piped; its
`Printer`: the `time name | line` prefixes and colours) and adds the supervision below.
"""

from __future__ import annotations

import contextlib
import datetime
import os
import queue
import shlex
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from honcho.colour import get_colours
from honcho.printer import Message, Printer
from honcho.process import Popen

from services.common import migrations, settings

from . import broker

ROOT = settings.ROOT
BIN = Path(sys.executable).parent

BACKOFF_BASE = 1.0     # seconds before the first restart of a process
BACKOFF_CAP = 30.0     # the longest wait between restarts
HEALTHY_AFTER = 60.0   # a process that ran this long starts over from BACKOFF_BASE
GRACE = 5.0            # seconds between SIGTERM and SIGKILL when stopping
TICK = 0.1             # how often exits are looked for
SYSTEM = "system"      # the name the runner's own lines carry


def processes() -> dict[str, str]:
    """{name: command line} of every process `make run` starts."""
    nameko = str(BIN / "nameko")
    config = str(ROOT / "deploy" / "nameko.yaml")
    procs = {
        name: shlex.join([nameko, "run", "--config", config, f"services.{name}.service"])
        for name in settings.SERVICES
    }
    procs["relay"] = shlex.join([str(BIN / "atelier"), "relay"])
    # The sandbox payment provider (SANDBOX_BIND, default 127.0.0.1:8090), for trying payments.
    procs["sandbox"] = shlex.join([str(BIN / "python"), "-m", "services.payments.sandbox"])
    # The SMTP sink and the fake SMS and Telegram APIs the notifications service sends to locally.
    procs["sinks"] = shlex.join([str(BIN / "atelier"), "sinks"])
    procs["gateway"] = shlex.join([str(BIN / "gunicorn"), "-c",
                                   str(ROOT / "gateway" / "gunicorn.conf.py"),
                                   "gateway.app:create_app()"])
    return procs


def migrate_all(echo=print, names: Iterable[str] = ()) -> None:
    """Bring every database to the newest schema, or only those the processes `names` use (the
    relay reads every service's outbox)."""
    names = set(names) or set(processes())
    for service in settings.SERVICES:
        if service in names or "relay" in names:
            migrations.upgrade(service)
            echo(f"migrated {service} ({settings.database_url(service)})")
    if "gateway" in names or "relay" in names:
        from gateway import migrations_upgrade

        migrations_upgrade()
        echo(f"migrated gateway ({settings.database_url('gateway')})")


def run(echo=print, names: Iterable[str] = (), exit_on_crash: bool = False) -> int:
    """Start the processes called `names` (default: all) and supervise them until stopped."""
    names = set(names)
    uri = settings.amqp_uri()
    broker.ensure(uri, echo=echo)
    migrate_all(echo=echo, names=names)
    bind = os.environ.setdefault("GATEWAY_BIND", "127.0.0.1:8080")
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    env.setdefault("PYTHONWARNINGS", settings.QUIET_EVENTLET_WARNINGS)
    commands = {name: cmd for name, cmd in processes().items() if not names or name in names}
    gateway = (f": gateway at http://{bind}/api/v1 (health: http://{bind}/health, readiness: "
               f"http://{bind}/ready)") if "gateway" in commands else f" {', '.join(commands)}"
    on_exit = ("The first process to exit stops them all" if exit_on_crash
               else "A process that exits is started again")
    echo(f"Atelier is starting{gateway}. {on_exit}; Ctrl-C stops everything.")
    return Supervisor(commands, env=env, cwd=str(ROOT), exit_on_crash=exit_on_crash).run()


class Backoff:
    """How long to wait before starting a process again after it exited having run `ran_for`
    seconds: `base`, doubling with each exit up to `cap`, and `base` again after a healthy run."""

    def __init__(self, base: float = BACKOFF_BASE, cap: float = BACKOFF_CAP,
                 healthy_after: float = HEALTHY_AFTER):
        self.base, self.cap, self.healthy_after = base, cap, healthy_after
        self._next = base

    def after_exit(self, ran_for: float) -> float:
        if ran_for >= self.healthy_after:
            self._next = self.base
        delay = self._next
        self._next = min(delay * 2, self.cap)
        return delay


@dataclass
class Child:
    name: str
    cmd: str
    colour: str
    backoff: Backoff = field(default_factory=Backoff)
    popen: Popen | None = None       # while running
    started_at: float = 0.0
    start_at: float | None = 0.0     # when to start it (again); None while running or stopped
    reader: threading.Thread | None = None

    @property
    def running(self) -> bool:
        return self.popen is not None


class Supervisor:
    """Runs `commands` ({name: command line}), restarting each that exits, until SIGINT/SIGTERM."""

    def __init__(self, commands: dict[str, str], env: dict[str, str], cwd: str,
                 exit_on_crash: bool = False, grace: float = GRACE,
                 printer: Printer | None = None, clock: Callable[[], float] = time.monotonic):
        colours = get_colours()
        self.children = [Child(name, cmd, next(colours)) for name, cmd in commands.items()]
        self.env, self.cwd = env, cwd
        self.exit_on_crash, self.grace, self.clock = exit_on_crash, grace, clock
        self.printer = printer or Printer(sys.stdout)
        self.printer.width = max(len(name) for name in [SYSTEM, *commands])
        self.events: queue.SimpleQueue = queue.SimpleQueue()  # put() is safe in a signal handler
        self.stop_requested = 0   # signals received
        self.returncode = 0

    def run(self) -> int:
        previous = {sig: signal.signal(sig, self._on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
        try:
            while not self.stop_requested:
                now = self.clock()
                for child in self.children:
                    if child.running and (rc := child.popen.poll()) is not None:
                        self._exited(child, rc)
                        if self.exit_on_crash:
                            self.returncode = 128 - rc if rc < 0 else rc or 1
                            self.stop_requested = 1
                    elif child.start_at is not None and child.start_at <= now:
                        self._start(child)
                self._handle_events(TICK)
        finally:
            self._stop()  # also after an error above: no process outlives the runner
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        return self.returncode

    def _on_signal(self, signum, frame) -> None:
        self.events.put(("signal", signum))

    def _start(self, child: Child) -> None:
        # A new session with its output piped; no shell, so the pid is the program's own.
        child.popen = Popen(shlex.split(child.cmd), shell=False, env=self.env, cwd=self.cwd)
        child.started_at, child.start_at = self.clock(), None
        child.reader = threading.Thread(target=self._read, args=(child.name, child.colour,
                                                                 child.popen.stdout), daemon=True)
        child.reader.start()
        self._say(f"{child.name} started (pid={child.popen.pid})")

    def _read(self, name: str, colour: str, stream) -> None:
        for line in iter(stream.readline, b""):
            self.events.put(("line", Message("line", line, datetime.datetime.now(), name, colour)))
        stream.close()

    def _exited(self, child: Child, rc: int) -> None:
        """`child` ended: kill what is left of its group, and plan its restart unless stopping."""
        self._signal_group(child, signal.SIGKILL)
        child.popen = None
        how = f"rc={rc}" + (f", {signal.Signals(-rc).name}" if rc < 0 else "")
        if self.stop_requested:
            self._say(f"{child.name} stopped ({how})")
            return
        if self.exit_on_crash:
            self._say(f"{child.name} exited ({how}); stopping everything (exit on crash)")
            return
        delay = child.backoff.after_exit(self.clock() - child.started_at)
        child.start_at = self.clock() + delay
        self._say(f"{child.name} exited ({how}); restarting in {delay:g} s")

    def _stop(self) -> None:
        """SIGTERM to every group, SIGKILL to those left after the grace period, until none is."""
        self.stop_requested = max(self.stop_requested, 1)
        for child in self.children:
            child.start_at = None
            if child.running:
                self._say(f"sending SIGTERM to {child.name} (pid {child.popen.pid})")
                self._signal_group(child, signal.SIGTERM)
        deadline, killed = self.clock() + self.grace, False
        while any(child.running for child in self.children):
            if not killed and (self.clock() >= deadline or self.stop_requested > 1):
                killed = True
                for child in self.children:
                    if child.running:
                        self._say(f"sending SIGKILL to {child.name} (pid {child.popen.pid})")
                        self._signal_group(child, signal.SIGKILL)
            for child in self.children:
                if child.running and (rc := child.popen.poll()) is not None:
                    self._exited(child, rc)
            self._handle_events(TICK)
        for child in self.children:  # the last lines of output
            if child.reader is not None:
                child.reader.join(1.0)
        self._handle_events(0)

    def _signal_group(self, child: Child, sig: int) -> None:
        # The group's id is its leader's pid (a session of its own); it may be gone already.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(child.popen.pid, sig)

    def _handle_events(self, timeout: float) -> None:
        """Print output and take in signals: wait up to `timeout` for the first event, then take
        what has come meanwhile (a bounded number, so a chatty process delays no exit)."""
        for n in range(1000):
            try:
                kind, data = self.events.get(timeout=timeout if n == 0 else 0)
            except queue.Empty:
                return
            if kind == "line":
                self._write(data)
            else:
                self.stop_requested += 1
                self._say(f"{signal.Signals(data).name} received")

    def _say(self, text: str) -> None:
        self._write(Message("line", text, datetime.datetime.now(), SYSTEM, None))

    def _write(self, message: Message) -> None:
        # Whoever read our output may have gone (`atelier run | head`): the processes still need
        # supervising and, in the end, stopping, so their lines are dropped instead.
        with contextlib.suppress(BrokenPipeError, ValueError):
            self.printer.write(message)
