"""What every benchmark shares: percentiles, a table printer, and the machine it ran on."""

from __future__ import annotations

import math
import os
import platform
from datetime import UTC, datetime


def percentile(values: list[float], p: float) -> float:
    """The nearest-rank percentile: the smallest value with at least `p` % of the values at or
    below it (p 0 is the smallest value, p 100 the largest); NaN for no values."""
    if not 0 <= p <= 100:
        raise ValueError(f"a percentile is between 0 and 100, not {p}")
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


def machine() -> str:
    return (f"{platform.node()} · {os.cpu_count()} cores · Python {platform.python_version()} · "
            f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC")


def table(headers: list[str], rows: list[list]) -> str:
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def _proc_table() -> dict[int, tuple[int, str, int]]:
    """pid → (parent pid, command line, CPU ticks used, user and system), from /proc."""
    table_: dict[int, tuple[int, str, int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            with open(f"/proc/{entry}/cmdline", "rb") as f:
                cmdline = f.read().replace(b"\0", b" ").decode(errors="replace")
        except OSError:  # gone meanwhile
            continue
        table_[int(entry)] = (int(fields[1]), cmdline, int(fields[11]) + int(fields[12]))
    return table_


class CpuMeter:
    """CPU time used by groups of processes between two readings (Linux /proc).

    A group is the process trees under some root pids (the servers a benchmark started, their
    workers included), or every process whose command line contains a marker (`postgres`,
    `rabbit` for the RabbitMQ node). Processes that start meanwhile count from zero; the figure is
    what the machine spent, whatever else it was doing, so it drifts less than rates do."""

    def __init__(self, roots: dict[str, list[int]], markers: dict[str, str]):
        self.roots, self.markers = roots, markers
        self._before: dict[str, dict[int, int]] | None = None

    def _read(self) -> dict[str, dict[int, int]]:
        procs = _proc_table()
        children: dict[int, list[int]] = {}
        for pid, (parent, _cmd, _ticks) in procs.items():
            children.setdefault(parent, []).append(pid)
        groups: dict[str, dict[int, int]] = {}
        for name, roots in self.roots.items():
            pids, stack = set(), list(roots)
            while stack:
                pid = stack.pop()
                if pid in procs and pid not in pids:
                    pids.add(pid)
                    stack.extend(children.get(pid, []))
            groups[name] = {pid: procs[pid][2] for pid in pids}
        for name, marker in self.markers.items():
            groups[name] = {pid: ticks for pid, (_p, cmd, ticks) in procs.items() if marker in cmd}
        return groups

    def start(self) -> None:
        self._before = self._read()

    def ms_by_group(self) -> dict[str, float]:
        """Milliseconds of CPU per group since `start()`."""
        assert self._before is not None, "start() first"
        after, hz = self._read(), os.sysconf("SC_CLK_TCK")
        return {name: sum(ticks - self._before[name].get(pid, 0) for pid, ticks in pids.items())
                * 1000 / hz for name, pids in after.items()}
