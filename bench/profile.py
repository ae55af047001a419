"""Profiles of a benchmark's processes during its measured window, with py-spy (`pip install
py-spy`): where each process spends its samples.

    with profile.Profiles(Path("bench/profiles"), {"orders": pid, ...}, seconds=10) as profiles:
        ...  # the load
    print(profiles.summary())

Each process is sampled by `py-spy record` (its worker processes too, for gunicorn) into
`<dir>/<name>.txt` in py-spy's raw (collapsed stack) format, which flame graph tools read
(`flamegraph.pl`, speedscope). The summary gives, per process, the share of samples spent in each of
its busiest frames: by own time (the innermost frame) and by the project's own code on the stack.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

from bench.common import table

PROJECT = ("services/", "gateway/", "atelier/")


def available() -> bool:
    return _py_spy() is not None


def _py_spy() -> str | None:
    here = Path(sys.executable).parent / "py-spy"
    return str(here) if here.exists() else shutil.which("py-spy")


class Profiles:
    def __init__(self, directory: Path, pids: dict[str, int], seconds: float, rate: int = 100):
        self.directory, self.pids, self.seconds, self.rate = directory, pids, seconds, rate
        self._procs: list[subprocess.Popen] = []

    def __enter__(self) -> Profiles:
        binary = _py_spy()
        if binary is None:
            raise SystemExit("profiling needs py-spy: .venv/bin/pip install py-spy")
        self.directory.mkdir(parents=True, exist_ok=True)
        for name, pid in self.pids.items():
            self._procs.append(subprocess.Popen(
                [binary, "record", "--pid", str(pid), "--duration", str(int(self.seconds)),
                 "--rate", str(self.rate), "--format", "raw", "--subprocesses", "--nonblocking",
                 "--output", str(self.directory / f"{name}.txt")],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        return self

    def __exit__(self, *exc) -> None:
        for proc in self._procs:
            proc.wait(self.seconds + 60)

    def summary(self, top: int = 6) -> str:
        rows = []
        for name in self.pids:
            path = self.directory / f"{name}.txt"
            if not path.exists():
                continue
            own, project, total = hot_frames(path)
            busy = ", ".join(f"{frame} {count * 100 / total:.0f} %"
                             for frame, count in own.most_common(top))
            ours = ", ".join(f"{frame} {count * 100 / total:.0f} %"
                             for frame, count in project.most_common(top))
            rows.append([name, str(total), busy, ours])
        return table(["process", "samples", "busiest frames (own time)",
                      "project code on the stack (inclusive)"], rows)


def hot_frames(path: Path) -> tuple[Counter, Counter, int]:
    """From a py-spy raw file: samples by innermost frame, samples by project frame anywhere on
    the stack (each counted once a sample), and the number of samples. Idle waits (a thread
    parked in epoll or a lock) are left out: the figures are shares of busy samples."""
    own, project, total = Counter(), Counter(), 0
    for line in path.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not count.isdigit():
            continue
        frames = stack.split(";")
        leaf = _short(frames[-1])
        if _idle(leaf):
            continue
        n = int(count)
        total += n
        own[leaf] += n
        for frame in dict.fromkeys(_short(f) for f in frames if any(p in f for p in PROJECT)):
            project[frame] += n
    return own, project, total


def _short(frame: str) -> str:
    """`Session.scalars (sqlalchemy/orm/session.py:2481)` → `Session.scalars (sqlalchemy)`."""
    name, _, where = frame.partition(" (")
    package = where.split("/", 1)[0] if "/" in where else where.rstrip(")").split(":")[0]
    if any(where.startswith(p) for p in PROJECT):
        package = where.rsplit(":", 1)[0]
    return f"{name} ({package})"


def _idle(leaf: str) -> bool:
    return any(word in leaf for word in ("epoll", "select (", "poll (", "wait (threading",
                                         "_wait_for_tstate_lock", "acquire (", "Hub.wait",
                                         "sleep (", "switch (greenlet", "hub.switch"))
