"""The one HTTP load generator every benchmark uses, closed-loop and open-loop.

A scenario is a function `make(rng) -> Call`: which request to send next (a listing, a product
page, an upload). Clients run in two forked processes of threads, each thread on one keep-alive
connection that it opens again after an error, as HTTP client libraries do; the first `warmup`
seconds are sent but not counted.

- `closed_loop`: `clients` threads, each sending its next request when the last one answered: the
  throughput a fixed number of users gets, and their latency.
- `open_loop`: requests sent on a fixed schedule, `rate` a second, whatever the server's pace, on
  up to `connections` connections; a request's latency runs from when it was due, so time spent
  waiting behind a slow server counts (no coordinated omission). Throughput is what got answered.

`repeat` measures the same thing several times and gives each figure's median with min and max:
figures on this machine kind drift between runs, so one run is not a figure.
"""

from __future__ import annotations

import http.client
import multiprocessing
import random
import statistics
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from bench.common import percentile

PROCESSES = 2  # client processes: one a core, so the Python clients are not the bottleneck alone


@dataclass(frozen=True)
class Call:
    method: str
    path: str
    body: bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)
    ok: tuple[int, ...] = (200,)


Scenario = Callable[[random.Random], Call]


def get(path: str, headers: dict[str, str] | None = None) -> Scenario:
    """A scenario that sends the same GET every time."""
    call = Call("GET", path, headers=headers or {})
    return lambda _rng: call


@dataclass
class Result:
    """What one measurement gives: answered requests (`n`), their rate, latency in ms."""
    n: int
    seconds: float
    errors: int
    latencies_ms: list[float]
    sent: int = 0  # warm-up included: what the servers' CPU time over the whole run served

    @property
    def rps(self) -> float:
        return self.n / self.seconds

    @property
    def p50(self) -> float:
        return percentile(self.latencies_ms, 50)

    @property
    def p99(self) -> float:
        return percentile(self.latencies_ms, 99)

    def figures(self) -> dict[str, float]:
        return {"rps": self.rps, "p50": self.p50, "p99": self.p99, "errors": self.errors}


class _Connection:
    def __init__(self, port: int):
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def send(self, call: Call) -> bool:
        try:
            self.conn.request(call.method, call.path, body=call.body, headers=call.headers)
            response = self.conn.getresponse()
            response.read()
            return response.status in call.ok
        except (OSError, http.client.HTTPException):
            self.conn.close()
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            return False

    def close(self) -> None:
        self.conn.close()


def _threads(target, count: int) -> None:
    pool = [threading.Thread(target=target, args=(n,)) for n in range(count)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()


def _clients(port, make, seed, threads, next_due, count_from, stop_at, out) -> None:
    """`threads` clients, each sending a request at the time `next_due()` gives (None: no more),
    until `stop_at`; latency from when the request was due."""
    latencies: list[float] = []
    errors, sent, last = [0], [0], [count_from]
    lock = threading.Lock()

    def client(n: int) -> None:
        rng, conn = random.Random(seed * 1000 + n), _Connection(port)
        mine, failed, count = [], 0, 0
        while (due := next_due()) is not None and due < stop_at:
            if (wait := due - time.perf_counter()) > 0:
                time.sleep(wait)
            ok = conn.send(make(rng))
            count += 1
            if due >= count_from:
                if ok:
                    mine.append((time.perf_counter() - due) * 1000)
                else:
                    failed += 1
        conn.close()
        with lock:
            latencies.extend(mine)
            errors[0] += failed
            sent[0] += count
            last[0] = max(last[0], time.perf_counter())

    _threads(client, threads)
    out.put((latencies, errors[0], last[0], sent[0]))


def _schedule(slots: range, begin: float, interval: float):
    """The due times of `slots` of the schedule `begin + k * interval`, handed out in order."""
    pending, lock = iter(slots), threading.Lock()

    def next_due() -> float | None:
        with lock:
            slot = next(pending, None)
        return None if slot is None else begin + slot * interval

    return next_due


def _run(target, per_process_args: list[tuple], timeout: float
         ) -> tuple[list[float], int, float, int]:
    """Start the client processes; their latencies, errors, when the last of them ended, and how
    many requests they sent."""
    context = multiprocessing.get_context("fork")  # the scenario needs no pickling
    out = context.Queue()
    procs = [context.Process(target=target, args=(*args, out)) for args in per_process_args]
    for proc in procs:
        proc.start()
    latencies, errors, ended, sent = [], 0, 0.0, 0
    for _ in procs:
        got, failed, last, count = out.get(timeout=timeout)
        latencies.extend(got)
        errors += failed
        ended = max(ended, last)
        sent += count
    for proc in procs:
        proc.join()
    return latencies, errors, ended, sent


def _shares(total: int) -> list[int]:
    processes = max(1, min(PROCESSES, total))
    return [total // processes + (1 if i < total % processes else 0) for i in range(processes)]


def closed_loop(port: int, make: Scenario, *, clients: int, seconds: float,
                warmup: float = 3.0) -> Result:
    """`clients` keep-alive clients, each sending its next request as soon as one is answered."""
    count_from = time.perf_counter() + warmup  # perf_counter is system-wide on Linux
    stop_at = count_from + seconds
    latencies, errors, _ended, sent = _run(_clients, [
        (port, make, i, n, time.perf_counter, count_from, stop_at)
        for i, n in enumerate(_shares(clients))], timeout=warmup + seconds + 120)
    return Result(len(latencies), seconds, errors, latencies, sent)


def open_loop(port: int, make: Scenario, *, rate: float, seconds: float, warmup: float = 3.0,
              connections: int = 64) -> Result:
    """`rate` requests a second on a fixed schedule, on up to `connections` connections."""
    interval = 1 / rate
    begin = time.perf_counter() + 0.2
    count_from, stop_at = begin + warmup, begin + warmup + seconds
    slots = int((warmup + seconds) * rate) + 1
    shares = _shares(connections)
    per_process = [(port, make, i, n, _schedule(range(i, slots, len(shares)), begin, interval),
                    count_from, stop_at) for i, n in enumerate(shares)]
    latencies, errors, ended, sent = _run(_clients, per_process, timeout=warmup + seconds + 120)
    # the requests due in the window, answered by `ended`: a server behind its schedule answers
    # them late, and its rate is what it managed
    return Result(len(latencies), max(seconds, ended - count_from), errors, latencies, sent)


@dataclass(frozen=True)
class Spread:
    """One figure over several runs: the median, and the lowest and highest."""
    median: float
    low: float
    high: float

    def __format__(self, spec: str) -> str:
        spec = spec or ".0f"
        if self.low == self.high:
            return format(self.median, spec)
        return f"{self.median:{spec}} ({self.low:{spec}}–{self.high:{spec}})"


def repeat(measure: Callable[[], dict[str, float]], runs: int = 3) -> dict[str, Spread]:
    """Each figure `measure()` returns, as its median (min–max) over `runs` runs."""
    results = [measure() for _ in range(runs)]
    return {key: Spread(statistics.median(r[key] for r in results),
                        min(r[key] for r in results), max(r[key] for r in results))
            for key in results[0]}


def sweep(port: int, make: Scenario, rates: tuple[float, ...], *, seconds: float,
          give_up_ms: float) -> list[tuple[float, dict[str, float]]]:
    """Open loop at each offered rate in turn: (rate, figures) per rate, stopping after the first
    whose p99 passes `give_up_ms` (the server is well behind; higher rates tell nothing more)."""
    points = []
    for rate in rates:
        got = open_loop(port, make, rate=rate, seconds=seconds, warmup=1.0).figures()
        points.append((rate, got))
        if got["p99"] > give_up_ms:
            break
    return points
