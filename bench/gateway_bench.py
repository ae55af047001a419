"""Gateway throughput and latency, next to a bare Flask endpoint measured in the same run.

    .venv/bin/python bench/gateway_bench.py [--seconds 5] [--clients 1,16,64] [--no-rpc-compare]

What it starts, all on this machine and stopped at the end: a RabbitMQ virtual host of its own, the
catalog service (`nameko run`, a temporary SQLite database) answering `catalog.seller_shop`, the
gateway under gunicorn with its production config (`gateway/gunicorn.conf.py`) on a temporary SQLite
database, and a bare Flask app under the same gunicorn settings.

What it measures, with keep-alive HTTP clients in two processes (they share the two cores with the
servers, as any load generator here would):
- `GET /api/v1/me` as a seller with a shop: token check, one primary-key read of the user, one RPC
  to the catalog, which reads the seller's shop;
- `GET /bare`: a Flask view returning a constant JSON object;
at 1, 16 and 64 concurrent clients. Targets (DESIGN.md): the gateway keeps >= 20% of the bare
endpoint's throughput at 16 clients, with p99 < 50 ms. Figures are printed, never asserted.

With `--rpc-compare` (default on) it also times the two ways of calling a service from a threaded
process: this gateway's lean client (one reply queue per process) and a pool of Nameko's
`ClusterRpcProxy` (one reply queue per proxy), 1 and 16 threads.
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import os
import queue
import shlex
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
BROKER = os.environ.get("ATELIER_BENCH_BROKER", "amqp://guest:guest@127.0.0.1:5672/")


def bare_app():
    """`gunicorn "bench.gateway_bench:bare_app()"`: the baseline."""
    from flask import Flask

    app = Flask("bare")

    @app.get("/bare")
    def bare():
        return {"status": "ok"}

    return app


# -- processes -------------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def rabbitmqctl(*args: str) -> None:
    subprocess.run(["rabbitmqctl", "-q", *args], check=True, capture_output=True, timeout=60)


def start(cmd: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    with open(log, "ab") as out:
        return subprocess.Popen(cmd, env={**os.environ, "PYTHONPATH": str(ROOT), **env}, cwd=ROOT,
                                stdout=out, stderr=subprocess.STDOUT, start_new_session=True)


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)


def wait_until(predicate, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    pause = threading.Event()
    while time.monotonic() < deadline:
        try:
            if predicate():
                return
        except (OSError, http.client.HTTPException, KeyError, ValueError):
            pass
        pause.wait(0.1)
    raise SystemExit(f"timed out waiting for {what}")


def request(port: int, method: str, path: str, body=None, headers=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        payload = json.dumps(body) if body is not None else None
        all_headers = {"Content-Type": "application/json"} if payload else {}
        conn.request(method, path, body=payload, headers={**all_headers, **(headers or {})})
        response = conn.getresponse()
        return response.status, json.loads(response.read() or b"null")
    finally:
        conn.close()


def gunicorn_cmd(target: str) -> list[str]:
    return [str(BIN / "gunicorn"), "-c", "gateway/gunicorn.conf.py", target]


# -- load ------------------------------------------------------------------------------------------
def _client_process(port, path, headers, threads, warmup_until, stop_at, out):
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()

    def client():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine, failed = [], 0
        while True:
            started = time.perf_counter()
            if started >= stop_at:
                break
            try:
                conn.request("GET", path, headers=headers)
                response = conn.getresponse()
                response.read()
                ok = response.status == 200
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                ok = False
            finished = time.perf_counter()
            if started >= warmup_until:
                if ok:
                    mine.append(finished - started)
                else:
                    failed += 1
        conn.close()
        with lock:
            latencies.extend(mine)
            errors[0] += failed

    pool = [threading.Thread(target=client) for _ in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    out.put((latencies, errors[0]))


def load(port: int, path: str, headers: dict, clients: int, seconds: float,
         warmup: float = 1.0) -> dict:
    processes = min(2, clients)
    share = [clients // processes + (1 if i < clients % processes else 0) for i in range(processes)]
    now = time.perf_counter()  # perf_counter is system-wide on Linux: children share the clock
    warmup_until, stop_at = now + warmup, now + warmup + seconds
    out: multiprocessing.Queue = multiprocessing.Queue()
    procs = [multiprocessing.Process(target=_client_process,
                                     args=(port, path, headers, n, warmup_until, stop_at, out))
             for n in share]
    for proc in procs:
        proc.start()
    latencies, errors = [], 0
    for _ in procs:
        got, failed = out.get(timeout=seconds + warmup + 60)
        latencies.extend(got)
        errors += failed
    for proc in procs:
        proc.join()
    latencies.sort()

    def pct(p):
        return latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000 if latencies \
            else float("nan")

    return {"rps": len(latencies) / seconds, "p50": pct(0.50), "p99": pct(0.99),
            "mean": statistics.fmean(latencies) * 1000 if latencies else float("nan"),
            "n": len(latencies), "errors": errors}


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


# -- main ------------------------------------------------------------------------------------------
def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=5.0, help="measured seconds per level")
    parser.add_argument("--clients", default="1,16,64")
    parser.add_argument("--rpc-compare", action=argparse.BooleanOptionalAction, default=True)
    args = parser.parse_args()
    levels = [int(n) for n in args.clients.split(",")]

    work = Path(tempfile.mkdtemp(prefix="atelier-gw-bench-"))
    vhost = f"atelier-gw-bench-{uuid.uuid4().hex[:8]}"
    amqp_uri = f"{BROKER.rstrip('/')}/{vhost}"
    rabbitmqctl("add_vhost", vhost)
    rabbitmqctl("set_permissions", "-p", vhost, "guest", ".*", ".*", ".*")
    procs: list[subprocess.Popen] = []
    try:
        sys.path.insert(0, str(ROOT))
        import gateway
        from services.common import migrations

        catalog_url = f"sqlite:///{work / 'catalog.db'}"
        migrations.upgrade("catalog", catalog_url)
        procs.append(start([str(BIN / "nameko"), "run", "--config", "deploy/nameko.yaml",
                            "services.catalog.service"],
                           {"AMQP_URI": amqp_uri, "CATALOG_DATABASE_URL": catalog_url},
                           work / "catalog.log"))

        db_url = f"sqlite:///{work / 'gateway.db'}"
        gateway.migrations_upgrade(db_url)
        gw_port, bare_port = free_port(), free_port()
        common = {"PROMETHEUS_MULTIPROC_DIR": ""}  # logging as in production: one line a request
        gw_env = {**common, "GATEWAY_BIND": f"127.0.0.1:{gw_port}",
                  "GATEWAY_DATABASE_URL": db_url, "AMQP_URI": amqp_uri,
                  "GATEWAY_SECRET_KEY": uuid.uuid4().hex * 2,
                  "PROMETHEUS_MULTIPROC_DIR": str(work / "metrics-gw")}
        bare_env = {**common, "GATEWAY_BIND": f"127.0.0.1:{bare_port}",
                    "PROMETHEUS_MULTIPROC_DIR": str(work / "metrics-bare")}
        for env in (gw_env, bare_env):
            Path(env["PROMETHEUS_MULTIPROC_DIR"]).mkdir()
        procs.append(start(gunicorn_cmd("gateway.app:create_app()"), gw_env, work / "gw.log"))
        procs.append(start(gunicorn_cmd("bench.gateway_bench:bare_app()"), bare_env,
                           work / "bare.log"))

        def alive():
            for proc, log in zip(procs, ("catalog", "gw", "bare"), strict=True):
                if proc.poll() is not None:
                    raise SystemExit(f"{log} exited; see {work / (log + '.log')}")
            return True

        wait_until(lambda: alive() and request(bare_port, "GET", "/bare")[0] == 200, 30,
                   "the bare app")
        wait_until(lambda: alive() and request(gw_port, "GET", "/ready")[1]["services"][
            "catalog"] == "ok", 60, "the gateway and the catalog")
        email, password = f"bench-{uuid.uuid4().hex[:8]}@example.com", "bench password"
        request(gw_port, "POST", "/api/v1/auth/register",
                {"email": email, "password": password, "name": "Bench", "role": "seller"})
        status, token = request(gw_port, "POST", "/api/v1/auth/login",
                                {"email": email, "password": password})
        assert status == 200, token
        auth = {"Authorization": f"Bearer {token['access_token']}"}
        status, shop = request(gw_port, "POST", "/api/v1/shops",
                               {"name": "Bench shop", "currency": "RUB"}, headers=auth)
        assert status == 201, shop
        status, me = request(gw_port, "GET", "/api/v1/me", headers=auth)
        assert status == 200 and me["shop_id"] == shop["id"], me

        workers = os.environ.get("GATEWAY_WORKERS", "2")
        threads = os.environ.get("GATEWAY_THREADS", "8")
        print(f"# gateway benchmark ({os.cpu_count()} cores; gunicorn gthread, {workers} workers x "
              f"{threads} threads for both apps; {args.seconds:.0f} s per level after 1 s warm-up)")
        print(f"command: {shlex.join([sys.executable, *sys.argv])}")
        print()
        print("| endpoint | clients | req/s | p50 ms | p99 ms | errors |")
        print("| --- | ---: | ---: | ---: | ---: | ---: |")
        results = {}
        for clients in levels:
            for label, port, path, headers in (
                ("bare Flask GET /bare", bare_port, "/bare", {}),
                ("gateway GET /api/v1/me (seller: JWT + user read + 1 RPC)", gw_port,
                 "/api/v1/me", auth),
            ):
                r = load(port, path, headers, clients, args.seconds)
                results[(label.split()[0], clients)] = r
                print(f"| {label} | {clients} | {r['rps']:.0f} | {r['p50']:.2f} | "
                      f"{r['p99']:.2f} | {r['errors']} |", flush=True)
        print()
        for clients in levels:
            bare, gw = results[("bare", clients)], results[("gateway", clients)]
            ratio = gw["rps"] / bare["rps"] * 100 if bare["rps"] else float("nan")
            print(f"- {clients} clients: gateway keeps {ratio:.0f}% of the bare endpoint's "
                  f"throughput; gateway p99 {gw['p99']:.1f} ms")
        if 16 in levels:
            bare, gw = results[("bare", 16)], results[("gateway", 16)]
            ratio = gw["rps"] / bare["rps"] * 100
            verdict = "met" if ratio >= 20 and gw["p99"] < 50 else "NOT met"
            print(f"- target at 16 clients (>= 20% of bare, p99 < 50 ms): {verdict}")

        if args.rpc_compare:
            print()
            print("| RPC client (direct calls, catalog.seller_shop) | threads | calls/s |")
            print("| --- | ---: | ---: |")
            for label, threads_n, rate in compare_rpc_clients(amqp_uri, min(args.seconds, 3)):
                if threads_n:
                    print(f"| {label} | {threads_n} | {rate:.0f} |")
                else:
                    print(f"\n{label}")
    finally:
        for proc in reversed(procs):
            stop(proc)
        subprocess.run(["rabbitmqctl", "-q", "delete_vhost", vhost], capture_output=True,
                       timeout=60, check=False)


if __name__ == "__main__":
    main()
