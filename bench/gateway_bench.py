"""Gateway throughput and latency, next to a bare Flask endpoint measured in the same run.

    .venv/bin/python -m bench.gateway_bench [--seconds 5] [--clients 1,16,64] [--runs 3]
        [--no-rpc-compare]

What it starts, all on this machine and stopped at the end: a RabbitMQ virtual host of its own, the
catalog service (`nameko run`, a temporary SQLite database) answering `catalog.seller_shop`, the
gateway under gunicorn with its production config (`gateway/gunicorn.conf.py`) on a temporary SQLite
database, and a bare Flask app under the same gunicorn settings.

What it measures, with keep-alive HTTP clients in two processes (they share the two cores with the
servers, as any load generator here would):
- `GET /api/v1/me` as a seller with a shop: token check, one primary-key read of the user, one RPC
  to the catalog, which reads the seller's shop;
- `GET /bare`: a Flask view returning a constant JSON object;
at 1, 16 and 64 concurrent clients, each figure the median (min–max) of three runs. Targets
(DESIGN.md): the gateway keeps >= 20% of the bare endpoint's throughput at 16 clients, with
p99 < 50 ms. Figures are printed, never asserted.

With `--rpc-compare` (default on) it also times the two ways of calling a service from a threaded
process: this gateway's lean client (one reply queue per process) and a pool of Nameko's
`ClusterRpcProxy` (one reply queue per proxy), 1 and 16 threads.
"""

from __future__ import annotations

import argparse
import os
import queue
import tempfile
import threading
import time
from pathlib import Path

from bench import load
from bench.common import machine, table
from bench.processes import (
    BIN,
    free_port,
    gunicorn_cmd,
    gunicorn_shape,
    request,
    serves,
    signed_in,
    start,
    start_gateway,
    stop,
    virtual_host,
    wait_until,
)


def bare_app():
    """`gunicorn "bench.gateway_bench:bare_app()"`: the baseline."""
    from flask import Flask

    app = Flask("bare")

    @app.get("/bare")
    def bare():
        return {"status": "ok"}

    return app


# -- RPC client comparison -------------------------------------------------------------------------
def compare_rpc_clients(amqp_uri: str, seconds: float) -> list[tuple[str, int, float]]:
    from nameko.standalone.rpc import ClusterRpcProxy

    from gateway.rpc.client import RpcClient

    rows = []
    lean = RpcClient(amqp_uri, timeout=5)
    lean.call("catalog", "health")

    def lean_call():
        lean.call("catalog", "seller_shop", "s", context={"request_id": "bench"})

    started = time.perf_counter()
    clusters = [ClusterRpcProxy({"AMQP_URI": amqp_uri}, timeout=5) for _ in range(16)]
    proxies = [cluster.start() for cluster in clusters]
    create_ms = (time.perf_counter() - started) / 16 * 1000
    pool: queue.Queue = queue.Queue()
    for proxy in proxies:
        pool.put(proxy)

    def pooled_call():
        proxy = pool.get()
        try:
            proxy.catalog.seller_shop("s")
        finally:
            pool.put(proxy)

    for label, fn in (("lean client, one reply queue per process", lean_call),
                      ("pool of 16 ClusterRpcProxy", pooled_call)):
        for threads in (1, 16):
            counts = [0] * threads
            deadline = time.perf_counter() + seconds

            def worker(i, fn=fn, counts=counts, deadline=deadline):
                while time.perf_counter() < deadline:
                    fn()
                    counts[i] += 1

            pool_threads = [threading.Thread(target=worker, args=(i,)) for i in range(threads)]
            for thread in pool_threads:
                thread.start()
            for thread in pool_threads:
                thread.join()
            rows.append((label, threads, sum(counts) / seconds))
    for cluster in clusters:
        cluster.stop()
    lean.close()
    rows.append((f"ClusterRpcProxy creation: {create_ms:.1f} ms each", 0, 0.0))
    return rows


# -- the run --------------------------------------------------------------------------------------
def run(seconds: float = 5.0, levels: tuple[int, ...] = (1, 16, 64), runs: int = 3,
        rpc_compare: bool = True) -> str:
    """Start the catalog, the gateway and the bare app, measure, stop; a Markdown section."""
    from services.common import migrations

    work = Path(tempfile.mkdtemp(prefix="atelier-gw-bench-"))
    procs = []
    with virtual_host("atelier-gw-bench") as amqp_uri:
        try:
            catalog_url = f"sqlite:///{work / 'catalog.db'}"
            migrations.upgrade("catalog", catalog_url)
            procs.append(start([str(BIN / "nameko"), "run", "--config", "deploy/nameko.yaml",
                                "services.catalog.service"],
                               {"AMQP_URI": amqp_uri, "CATALOG_DATABASE_URL": catalog_url},
                               work / "catalog.log"))
            bare_port = _start_bare(work, procs)
            gateway, gw_port = start_gateway(work, {"AMQP_URI": amqp_uri},
                                             ready=serves("catalog"))
            procs.append(gateway)
            auth = signed_in(gw_port)
            status, shop = request(gw_port, "POST", "/api/v1/shops",
                                   {"name": "Bench shop", "currency": "RUB"}, headers=auth)
            assert status == 201, shop
            status, me = request(gw_port, "GET", "/api/v1/me", headers=auth)
            assert status == 200 and me["shop_id"] == shop["id"], me

            rows, results = [], {}
            for clients in levels:
                for label, port, path, headers in (
                    ("bare Flask GET /bare", bare_port, "/bare", {}),
                    ("gateway GET /api/v1/me (seller: JWT + user read + 1 RPC)", gw_port,
                     "/api/v1/me", auth),
                ):
                    got = load.repeat(lambda port=port, path=path, headers=headers, n=clients:
                                      load.closed_loop(port, load.get(path, headers), clients=n,
                                                       seconds=seconds).figures(), runs)
                    results[(label.split()[0], clients)] = got
                    rows.append([label, clients, f"{got['rps']:.0f}", f"{got['p50']:.2f}",
                                 f"{got['p99']:.2f}", f"{got['errors']:.0f}"])
            rpc_rows = compare_rpc_clients(amqp_uri, min(seconds, 3)) if rpc_compare else []
        finally:
            for proc in reversed(procs):
                stop(proc)

    lines = [f"## Gateway beside a bare Flask endpoint ({os.cpu_count()} cores; "
             f"{gunicorn_shape()} for both apps)", "",
             f"{machine()} · {seconds:.0f} s per level after 3 s warm-up · median (min–max) of "
             f"{runs} runs · command: `.venv/bin/python -m bench.gateway_bench`", "",
             table(["endpoint", "clients", "req/s", "p50 ms", "p99 ms", "errors"], rows), ""]
    for clients in levels:
        bare, gw = results[("bare", clients)], results[("gateway", clients)]
        ratio = gw["rps"].median / bare["rps"].median * 100 if bare["rps"].median else float("nan")
        lines.append(f"- {clients} clients: the gateway keeps {ratio:.0f}% of the bare endpoint's "
                     f"throughput; gateway p99 {gw['p99'].median:.1f} ms")
    if 16 in levels:
        bare, gw = results[("bare", 16)], results[("gateway", 16)]
        ratio = gw["rps"].median / bare["rps"].median * 100
        verdict = "met" if ratio >= 20 and gw["p99"].median < 50 else "NOT met"
        lines.append(f"- target at 16 clients (>= 20% of bare, p99 < 50 ms): {verdict}")
    if rpc_rows:
        lines += ["", table(["RPC client (direct calls, catalog.seller_shop)", "threads",
                             "calls/s"], [[label, n, f"{rate:.0f}"] for label, n, rate in rpc_rows
                                          if n])]
        lines += ["", *(label for label, n, _rate in rpc_rows if not n)]
    return "\n".join(lines)


def _start_bare(work: Path, procs: list) -> int:
    port = free_port()
    metrics = work / "metrics-bare"
    metrics.mkdir()
    procs.append(start(gunicorn_cmd("bench.gateway_bench:bare_app()"), {
        "GATEWAY_BIND": f"127.0.0.1:{port}", "PROMETHEUS_MULTIPROC_DIR": str(metrics)},
        work / "bare.log"))
    wait_until(lambda: procs[-1].poll() is None and request(port, "GET", "/bare")[0] == 200, 30,
               "the bare app")
    return port


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=5.0, help="measured seconds per level")
    parser.add_argument("--clients", default="1,16,64")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--rpc-compare", action=argparse.BooleanOptionalAction, default=True)
    args = parser.parse_args()
    print(run(args.seconds, tuple(int(n) for n in args.clients.split(",")), args.runs,
              args.rpc_compare), flush=True)


if __name__ == "__main__":
    main()
