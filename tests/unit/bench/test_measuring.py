"""The benchmarks' measuring tools: nearest-rank percentiles, spreads over runs, and the load
generator, against a small real HTTP server."""

import queue
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from bench import load
from bench.common import percentile


def test_percentile_is_the_nearest_rank():
    values = [15, 20, 35, 40, 50]
    assert percentile(values, 0) == 15
    assert percentile(values, 5) == 15
    assert percentile(values, 30) == 20
    assert percentile(values, 40) == 20
    assert percentile(values, 50) == 35
    assert percentile(values, 100) == 50
    assert percentile(list(range(1, 101)), 99) == 99
    assert percentile([7.5], 99) == 7.5


def test_percentile_refuses_what_is_not_a_percentage_and_has_none_of_nothing():
    with pytest.raises(ValueError):
        percentile([1, 2], 101)
    assert percentile([], 50) != percentile([], 50)  # NaN


def test_repeat_gives_each_figure_its_median_and_range():
    runs = iter([{"rps": 30.0, "p99": 9.0}, {"rps": 41.0, "p99": 7.0}, {"rps": 38.0, "p99": 8.0}])
    spread = load.repeat(lambda: next(runs), runs=3)
    assert spread["rps"] == load.Spread(38.0, 30.0, 41.0)
    assert spread["p99"] == load.Spread(8.0, 7.0, 9.0)
    assert f"{spread['rps']:.0f}" == "38 (30–41)"
    assert f"{load.Spread(5.0, 5.0, 5.0):.1f}" == "5.0"


class _Server:
    """A real HTTP server answering every GET after `delay` seconds, one request at a time."""

    def __init__(self, delay: float):
        gate = threading.Lock()
        self.served = 0

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(handler):  # noqa: N802, N805 - the stdlib's names
                with gate:  # the fake server's service time: the behaviour measured, not a wait
                    time.sleep(delay)
                    self.served += 1
                handler.send_response(200 if handler.path == "/ok" else 404)
                handler.send_header("Content-Length", "2")
                handler.end_headers()
                handler.wfile.write(b"{}")

            def log_message(handler, *args):  # noqa: N805
                pass

        self.http = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.http.server_address[1]
        threading.Thread(target=self.http.serve_forever, daemon=True).start()

    def close(self):
        self.http.shutdown()
        self.http.server_close()


@pytest.fixture
def server(request):
    made = _Server(getattr(request, "param", 0.0))
    yield made
    made.close()


def test_the_closed_loop_counts_answers_and_refusals_as_errors(server):
    answered = load.closed_loop(server.port, load.get("/ok"), clients=4, seconds=0.5, warmup=0.2)
    assert answered.n > 0 and answered.errors == 0
    assert answered.sent == server.served >= answered.n
    refused = load.closed_loop(server.port, load.get("/missing"), clients=2, seconds=0.3,
                               warmup=0.1)
    assert refused.n == 0 and refused.errors > 0


def test_requests_due_in_the_warm_up_are_sent_but_not_counted(server):
    """Five requests on a schedule already past: the three due before the count starts reach the
    server, and only the last two are measured."""
    now, out = time.perf_counter(), queue.Queue()
    due = load._schedule(range(5), begin=now - 5, interval=1.0)  # now-5 ... now-1
    load._clients(server.port, load.get("/ok"), 0, 1, due, now - 2.5, now + 60, out)
    latencies, errors, _ended, sent = out.get_nowait()
    assert (len(latencies), errors, sent, server.served) == (2, 0, 5, 5)


def test_the_open_loop_sends_on_its_schedule(server):
    sent = load.open_loop(server.port, load.get("/ok"), rate=200, seconds=1.0, warmup=0.2,
                          connections=8)
    assert sent.errors == 0
    assert 190 <= sent.n <= 210  # the slots due within the counted second, all answered


@pytest.mark.parametrize("server", [0.02], indirect=True)
def test_the_open_loop_counts_the_wait_behind_a_slow_server(server):
    """The server answers 50 a second; offered 100 a second, requests queue: latency from when a
    request was due grows far beyond the 20 ms a closed-loop client sees."""
    closed = load.closed_loop(server.port, load.get("/ok"), clients=1, seconds=0.5, warmup=0.1)
    opened = load.open_loop(server.port, load.get("/ok"), rate=100, seconds=1.0, warmup=0.1,
                            connections=4)
    assert closed.p99 < 200
    assert opened.p99 > 300
    assert opened.rps < 80
