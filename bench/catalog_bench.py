"""Catalog latency and throughput on a seeded catalog of 100,000 products on PostgreSQL.

    .venv/bin/python -m bench.catalog_bench [--products 100000] [--seconds 8] [--clients 16]
        [--replicas 1] [--reseed] [--no-http] [--only "product page"]

What it starts, on this machine, stopped at the end: a RabbitMQ virtual host of its own and the
catalog service as production runs it (`nameko run --config deploy/nameko.yaml
services.catalog.service`, `--replicas` processes: DESIGN.md scales by replicas) on the PostgreSQL
database `atelier_catalog_bench` (`ATELIER_BENCH_CATALOG_DATABASE` names another), seeded with
`atelier.seed.seed` (kept between runs when it already holds the products; `--reseed` rebuilds it).

What it measures, with `--clients` callers at once for `--seconds` each: a category listing
sorted by popularity, a text search, a price range sorted by price, and a product page (which
counts a view, as the page does), twice:
- through RPC, with the gateway's own client (`gateway.rpc.client.RpcClient`, one per process as
  the gateway keeps it) in `--clients` threads: the service and its database alone;
- through HTTP (`--http`, on by default): the gateway under gunicorn with its production settings
  (`gateway/gunicorn.conf.py`, one access-log line a request) in front of the same catalog, and
  `--clients` keep-alive HTTP connections calling `GET /api/v1/products?...` and
  `GET /api/v1/products/{id}` anonymously: from wrk when it is installed (`apt-get install wrk`),
  else from Python clients in two processes, which take a larger share of the two cores.
Then EXPLAIN ANALYZE of each listing's statement (the page, with the total as a subquery), showing
the indexes used, and the text search's hit rate on the relevance set of the tests
(tests/integration/catalog/relevance.py) on fresh PostgreSQL and SQLite databases.
Targets: p99 < 100 ms for listings and < 30 ms for a product page. Last, with
`--http` and every scenario, the reference example's product GET built from the stack's stock
parts (bench/reference.py) under the same load, for reading the product page against. Figures are
printed, never asserted.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import urlencode

import psycopg2
import psycopg2.extensions

from bench.common import CpuMeter, machine, percentile, table

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
BROKER = os.environ.get("ATELIER_BENCH_BROKER", "amqp://guest:guest@127.0.0.1:5672/")
PG_ADMIN = os.environ.get("ATELIER_BENCH_POSTGRES",
                          os.environ.get("ATELIER_TEST_POSTGRES",
                                         "postgresql://postgres@127.0.0.1:5432/postgres"))
# a checkout whose catalog migrations differ from another's names a database of its own
DATABASE = os.environ.get("ATELIER_BENCH_CATALOG_DATABASE", "atelier_catalog_bench")
WORDS = ["fox", "mug", "linen", "wooden", "soap", "candle", "blanket", "ring", "lavender", "owl"]
CATEGORIES = ["ceramics", "jewelry", "toys", "home-decor", "mugs-and-cups", "earrings", "art"]


def database_url() -> str:
    return f"{PG_ADMIN.rsplit('/', 1)[0]}/{DATABASE}"


def _admin(sql: str, url: str = PG_ADMIN) -> None:
    conn = psycopg2.connect(url)
    conn.set_isolation_level(psycopg2.extensions.ISOLATION_LEVEL_AUTOCOMMIT)
    try:
        with conn.cursor() as cur:
            cur.execute(sql)
    finally:
        conn.close()


def seeded_products() -> int:
    try:
        conn = psycopg2.connect(database_url())
    except psycopg2.OperationalError:
        return -1
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT count(*) FROM products")
            return cur.fetchone()[0]
    except psycopg2.Error:
        return -1
    finally:
        conn.close()


def prepare(products: int, reseed: bool) -> str:
    """The seeded database, reused when it already holds `products` products (brought up to the
    catalog's latest migration), with the planner's cost of a random read set as
    `docker-compose.yml` runs PostgreSQL (on SSDs)."""
    reused = not reseed and seeded_products() == products
    if not reused:
        _admin(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
        _admin(f'CREATE DATABASE "{DATABASE}"')
    _admin(f'ALTER DATABASE "{DATABASE}" SET random_page_cost = 1.1')
    if reused:
        from services.common import migrations

        migrations.upgrade("catalog", database_url())
        # Every run starts where a freshly seeded one does: the product pages a run views leave
        # dead row versions that autovacuum clears in its own time.
        _admin("VACUUM ANALYZE products, product_views", database_url())
        return f"reused {DATABASE} ({products} products, vacuumed)"
    from atelier.seed import seed

    started = time.perf_counter()
    result = seed(products, database_url())
    return (f"seeded {result['products']} products in {result['shops']} shops "
            f"in {time.perf_counter() - started:.1f} s")


def rabbitmqctl(*args: str) -> None:
    subprocess.run(["rabbitmqctl", "-q", *args], check=True, capture_output=True, timeout=60)


def start_catalog(amqp_uri: str, log: Path) -> subprocess.Popen:
    """One replica of the catalog service (replicas share the load as competing consumers)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "AMQP_URI": amqp_uri,
           "CATALOG_DATABASE_URL": database_url(), "LOG_LEVEL": "WARNING"}
    with open(log, "ab") as out:
        return subprocess.Popen(
            [str(BIN / "nameko"), "run", "--config", str(ROOT / "deploy" / "nameko.yaml"),
             "services.catalog.service"], env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)


def wait_healthy(client, proc: subprocess.Popen, log: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while True:
        if proc.poll() is not None:
            raise SystemExit(f"the catalog service exited:\n{log.read_text()[-3000:]}")
        try:
            if client.call("catalog", "health", timeout=2)["status"] == "ok":
                return
        except Exception:  # noqa: BLE001 - not up yet
            if time.monotonic() > deadline:
                raise
        threading.Event().wait(0.3)


def sample_ids(count: int = 2000) -> list[str]:
    conn = psycopg2.connect(database_url())
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT id FROM products WHERE listed ORDER BY md5(id) LIMIT %s", (count,))
            return [row[0] for row in cur.fetchall()]
    finally:
        conn.close()


def scenarios(ids: list[str]):
    """(label, make_call): make_call(rng) → (RPC method, RPC args, the same request's HTTP path)."""

    def listing(query: dict) -> tuple[str, tuple, str]:
        return ("list_products", (query,), f"/api/v1/products?{urlencode(query)}")

    def category(rng):
        return listing({"category": rng.choice(CATEGORIES), "sort": "popularity"})

    def search(rng):
        return listing({"q": rng.choice(WORDS)})

    def price_range(rng):
        low = rng.randrange(50_000, 1_000_000, 10_000)
        return listing({"min_price": low, "max_price": low + low // 2, "sort": "price_asc"})

    def product_page(rng):
        product_id = rng.choice(ids)
        return ("get_product", (product_id, True), f"/api/v1/products/{product_id}")

    return [("category listing, popularity", category), ("text search", search),
            ("price range, price_asc", price_range), ("product page", product_page)]


def measure(client, make_call, clients: int, seconds: float) -> dict:
    latencies: list[list[float]] = [[] for _ in range(clients)]
    errors = [0] * clients
    begin = threading.Barrier(clients)

    def worker(n: int) -> None:
        rng = random.Random(n)
        begin.wait()
        deadline = time.perf_counter() + seconds
        while time.perf_counter() < deadline:
            method, args, _path = make_call(rng)
            started = time.perf_counter()
            try:
                client.call("catalog", method, *args, context={"request_id": "bench"},
                            timeout=10)
            except Exception:  # noqa: BLE001 - counted, the run goes on
                errors[n] += 1
                continue
            latencies[n].append((time.perf_counter() - started) * 1000)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    flat = [x for per in latencies for x in per]
    return {"n": len(flat), "rps": len(flat) / seconds, "p50": percentile(flat, 50),
            "p99": percentile(flat, 99), "errors": sum(errors)}


# -- through the gateway ---------------------------------------------------------------------------
def start_gateway(amqp_uri: str, work: Path):
    """The gateway under gunicorn (production settings) in front of the bench's catalog."""
    import gateway
    from bench.gateway_bench import free_port, gunicorn_cmd, request, start, wait_until

    db_url = f"sqlite:///{work / 'gateway.db'}"
    gateway.migrations_upgrade(db_url)
    port = free_port()
    metrics = work / "metrics"
    metrics.mkdir()
    proc = start(gunicorn_cmd("gateway.app:create_app()"), {
        "GATEWAY_BIND": f"127.0.0.1:{port}", "GATEWAY_DATABASE_URL": db_url,
        "AMQP_URI": amqp_uri, "GATEWAY_SECRET_KEY": uuid.uuid4().hex * 2,
        "PROMETHEUS_MULTIPROC_DIR": str(metrics)}, work / "gateway.log")

    def ready():
        if proc.poll() is not None:
            raise SystemExit(f"the gateway exited; see {work / 'gateway.log'}")
        return request(port, "GET", "/ready")[1]["services"]["catalog"] == "ok"

    wait_until(ready, 60, "the gateway in front of the catalog")
    return proc, port


def _http_clients(port, make_call, seed, threads, start_at, stop_at, out):
    import http.client

    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()

    def client(n: int) -> None:
        rng = random.Random(seed * 1000 + n)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine, failed = [], 0
        while time.perf_counter() < start_at:
            time.sleep(0.001)
        while True:
            started = time.perf_counter()
            if started >= stop_at:
                break
            _method, _args, path = make_call(rng)
            try:
                conn.request("GET", path)
                response = conn.getresponse()
                response.read()
                ok = response.status == 200
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                ok = False
            if ok:
                mine.append((time.perf_counter() - started) * 1000)
            else:
                failed += 1
        conn.close()
        with lock:
            latencies.extend(mine)
            errors[0] += failed

    pool = [threading.Thread(target=client, args=(n,)) for n in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    out.put((latencies, errors[0]))


WRK_SCRIPT = """
local paths = {}
for line in io.lines(os.getenv("BENCH_PATHS")) do paths[#paths + 1] = line end
local n = 0
local threads = 0
setup = function(thread)
  threads = threads + 1
  thread:set("first", threads * 997)
end
init = function(args)
  n = first or 0
end
request = function()
  n = n % #paths + 1
  return wrk.format("GET", paths[n])
end
done = function(summary, latency, requests)
  io.write(string.format("BENCH %d %d %d %d %d %d\\n", summary.requests,
    summary.errors.status + summary.errors.connect + summary.errors.read
      + summary.errors.write + summary.errors.timeout,
    latency:percentile(50), latency:percentile(99), summary.duration, latency.mean))
end
"""


def measure_wrk(port: int, make_call, clients: int, seconds: float) -> dict:
    """`clients` keep-alive connections from wrk (a C load generator: its own CPU is a small part
    of the two cores), each walking a shuffled list of the scenario's requests."""
    rng = random.Random(port)
    with tempfile.TemporaryDirectory(prefix="atelier-wrk-") as work:
        paths, script = Path(work) / "paths", Path(work) / "script.lua"
        paths.write_text("".join(make_call(rng)[2] + "\n" for _ in range(5000)))
        script.write_text(WRK_SCRIPT)
        done = subprocess.run(
            ["wrk", "-t2", f"-c{clients}", f"-d{seconds:.0f}s", "--timeout", "30s",
             "-s", str(script), f"http://127.0.0.1:{port}"],
            env={**os.environ, "BENCH_PATHS": str(paths)}, capture_output=True, text=True,
            timeout=seconds + 60, check=True)
    line = next(x for x in done.stdout.splitlines() if x.startswith("BENCH "))
    requests, errors, p50_us, p99_us, duration_us, _mean = (int(float(x)) for x in line.split()[1:])
    return {"n": requests - errors, "rps": (requests - errors) / (duration_us / 1e6),
            "p50": p50_us / 1000, "p99": p99_us / 1000, "errors": errors}


def measure_http(port: int, make_call, clients: int, seconds: float) -> dict:
    """`clients` keep-alive connections: wrk's when it is installed, else Python's in two
    processes (forked: they share `make_call`), which take a larger part of the CPU."""
    if shutil.which("wrk"):
        return measure_wrk(port, make_call, clients, seconds)
    context = multiprocessing.get_context("fork")
    processes = min(2, clients)
    share = [clients // processes + (1 if i < clients % processes else 0) for i in range(processes)]
    start_at = time.perf_counter() + 0.5  # perf_counter is system-wide on Linux
    stop_at = start_at + seconds
    out = context.Queue()
    procs = [context.Process(target=_http_clients,
                             args=(port, make_call, i, n, start_at, stop_at, out))
             for i, n in enumerate(share)]
    for proc in procs:
        proc.start()
    flat, errors = [], 0
    for _ in procs:
        got, failed = out.get(timeout=seconds + 120)
        flat.extend(got)
        errors += failed
    for proc in procs:
        proc.join()
    return {"n": len(flat), "rps": len(flat) / seconds, "p50": percentile(flat, 50),
            "p99": percentile(flat, 99), "errors": errors}


def explain() -> list[tuple[str, str]]:
    """EXPLAIN ANALYZE of each listing's statement (its page and total), as the service builds it."""
    from services.catalog.actions.listing import statements
    from services.catalog.schemas import ListQuery, load
    from services.common.db import make_engine
    from services.common.paging import PageRequest

    cases = [
        ("category listing, popularity", {"category": "ceramics"}),
        ("text search", {"q": "fox"}),
        ("text search, two words, one misspelt", {"q": "lavendar candle"}),
        ("price range, price_asc", {"min_price": 300_000, "max_price": 450_000,
                                    "sort": "price_asc"}),
    ]
    plans = []
    engine = make_engine(database_url(), pool_size=1)
    conn = engine.raw_connection()  # a connected dialect renders LIKE's escape as the server reads it
    try:
        with conn.cursor() as cur:
            for label, query in cases:
                statement, _count = statements(load(ListQuery, query), PageRequest(1, 20))
                compiled = statement.compile(dialect=engine.dialect,
                                             compile_kwargs={"render_postcompile": True})
                cur.execute("EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) " + str(compiled),
                            compiled.params)
                plans.append((label, "\n".join(row[0] for row in cur.fetchall())))
    finally:
        conn.close()
        engine.dispose()
    return plans


def relevance() -> list[list[str]]:
    """The relevance set of the tests (tests/integration/catalog/relevance.py) on a fresh database
    of each backend, written and searched in this process with the catalog's own actions: per
    backend, the queries whose products all rank in their first five, and a query's p50 time."""
    from tests.integration.catalog import relevance as relevance_set

    database = f"atelier_relevance_bench_{uuid.uuid4().hex[:8]}"
    _admin(f'CREATE DATABASE "{database}"')
    rows = []
    try:
        with tempfile.TemporaryDirectory(prefix="atelier-relevance-") as work:
            for backend, url in (("PostgreSQL", f"{PG_ADMIN.rsplit('/', 1)[0]}/{database}"),
                                 ("SQLite", f"sqlite:///{work}/catalog.db")):
                hits, queries, times = _relevance_on(url, relevance_set)
                rows.append([backend, f"{hits}/{queries}", f"{100 * hits / queries:.0f} %",
                             f"{percentile(times, 50):.1f}", f"{percentile(times, 99):.1f}"])
    finally:
        _admin(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
    return rows


def _relevance_on(url: str, relevance_set) -> tuple[int, int, list[float]]:
    from sqlalchemy.orm import Session

    from services.catalog.actions import listing, products, shops
    from services.common import migrations
    from services.common.caller import Caller
    from services.common.db import make_engine
    from services.common.outbox import EventRecorder

    migrations.upgrade("catalog", url)
    engine = make_engine(url, pool_size=1)
    seller = Caller(user_id=str(uuid.uuid4()), roles=frozenset({"seller"}))
    keys: dict[str, str] = {}
    times: list[float] = []
    try:
        with Session(engine) as session, session.begin():
            shop = shops.create_shop(session, seller, {"name": "Relevance", "currency": "RUB"})
            for key, fields in relevance_set.catalog():
                made = products.create_product(session, EventRecorder("catalog"), seller,
                                               shop["id"], relevance_set.body(fields))
                keys[made["id"]] = key

        def search(q: str) -> list[str]:
            with Session(engine) as session:
                started = time.perf_counter()
                page = listing.list_products(session, {"q": q, "shop_id": shop["id"],
                                                       "per_page": relevance_set.TOP})
                times.append((time.perf_counter() - started) * 1000)
            return [keys[item["id"]] for item in page["items"]]

        hits, queries = relevance_set.hit_rate(search)
    finally:
        engine.dispose()
    return hits, queries, times


CPU_GROUPS = ("catalog", "gateway", "PostgreSQL", "RabbitMQ")


def _reference_get(amqp_uri: str, clients: int, seconds: float) -> list[str]:
    """The reference example's product GET on the stack's stock parts (bench/reference.py), on a
    database of its own, with the catalog and gateway idle: its HTTP req/s, p50 and p99."""
    from bench import reference

    database = f"atelier_reference_bench_{uuid.uuid4().hex[:8]}"
    _admin(f'CREATE DATABASE "{database}"')
    try:
        got = reference.measure(amqp_uri, f"{PG_ADMIN.rsplit('/', 1)[0]}/{database}", clients,
                                seconds, which=("get",))["get"]
    finally:
        _admin(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
    return [f"{got['rps']:.0f}", f"{got['p50']:.1f}", f"{got['p99']:.1f}"]


def _per_request(cpu_ms: dict[str, float], requests: int) -> list[str]:
    per = [cpu_ms[group] / max(requests, 1) for group in CPU_GROUPS]
    return [f"{ms:.2f}" for ms in per] + [f"{sum(per):.2f}"]


def run(products: int = 100_000, seconds: float = 8.0, clients: int = 16,
        reseed: bool = False, replicas: int = 1, http: bool = True, only: str = "") -> str:
    command = " ".join([".venv/bin/python -m bench.catalog_bench", *sys.argv[1:]])
    from bench.gateway_bench import stop
    from gateway.rpc.client import RpcClient

    prepared = prepare(products, reseed)
    vhost = f"atelier-catalog-bench-{uuid.uuid4().hex[:8]}"
    amqp_uri = f"{BROKER.rstrip('/')}/{vhost}"
    rabbitmqctl("add_vhost", vhost)
    rabbitmqctl("set_permissions", "-p", vhost, "guest", ".*", ".*", ".*")
    log = Path(f"/tmp/{vhost}.log")
    work = Path(tempfile.mkdtemp(prefix="atelier-catalog-bench-"))
    procs = [start_catalog(amqp_uri, log) for _ in range(replicas)]
    gateway_proc = None
    rows = []
    try:
        client = RpcClient(amqp_uri, timeout=10)
        for proc in procs:
            wait_healthy(client, proc, log)
        ids = sample_ids()
        if http:
            gateway_proc, port = start_gateway(amqp_uri, work)
        meter = CpuMeter({"catalog": [proc.pid for proc in procs],
                          "gateway": [gateway_proc.pid] if gateway_proc else []},
                         {"PostgreSQL": "postgres:", "RabbitMQ": "rabbit"})
        cpu: list[list] = []
        for label, make_call in scenarios(ids):
            if only not in label:
                continue
            measure(client, make_call, clients, 1.0)  # warm caches and connections
            meter.start()
            rpc = measure(client, make_call, clients, seconds)
            cpu.append([label, "RPC", *_per_request(meter.ms_by_group(), rpc["n"])])
            via = {"rps": float("nan"), "p50": float("nan"), "p99": float("nan"), "errors": 0}
            if http:
                measure_http(port, make_call, clients, 1.0)
                meter.start()
                via = measure_http(port, make_call, clients, seconds)
                cpu.append([label, "HTTP", *_per_request(meter.ms_by_group(), via["n"])])
            target = 30 if label == "product page" else 100
            rows.append([label, f"{rpc['rps']:.0f}", f"{rpc['p50']:.1f}", f"{rpc['p99']:.1f}",
                         f"{via['rps']:.0f}", f"{via['p50']:.1f}", f"{via['p99']:.1f}",
                         f"< {target}", rpc["errors"] + via["errors"]])
            print(" | ".join(map(str, rows[-1])), file=sys.stderr, flush=True)
        plans = explain()
        found = relevance()
        if http and not only:
            rows.append(["reference shape: product GET (bench/reference.py)", "–", "–", "–",
                         *_reference_get(amqp_uri, clients, seconds), "–", "–"])
    finally:
        if gateway_proc is not None:
            stop(gateway_proc)
        for proc in procs:
            proc.terminate()
        for proc in procs:
            proc.wait(20)
        subprocess.run(["rabbitmqctl", "-q", "delete_vhost", vhost], capture_output=True,
                       timeout=60)
    lines = [
        "## Catalog: listings and product page on 100,000 products (PostgreSQL)",
        "",
        f"{machine()}; {prepared}; {clients} concurrent clients, {seconds:.0f} s per scenario "
        f"and way; {replicas} catalog replica(s).",
        "RPC: the gateway's client calling the catalog directly. HTTP: anonymous GETs through the "
        "gateway",
        "(gunicorn, production settings) in front of the same catalog, the load generator "
        f"({'wrk' if shutil.which('wrk') else 'Python clients'}) on the same",
        "two cores. The product page counts a view both ways. Targets (p99): listings < 100 ms, "
        "product page < 30 ms.",
        "",
        table(["scenario", "RPC req/s", "RPC p50 ms", "RPC p99 ms", "HTTP req/s", "HTTP p50 ms",
               "HTTP p99 ms", "target p99 ms", "errors"], rows),
        "",
        "CPU time per request, by process (ms; from /proc, so it drifts less than the rates; "
        "the load generator's own share is left out):",
        "",
        table(["scenario", "way", *CPU_GROUPS, "in all"], cpu),
        "",
        "### Text search relevance",
        "",
        "The relevance set of the tests (tests/integration/catalog/relevance.py: Russian and "
        "English queries, word forms",
        "and typos, over a fixed catalog of targets and distractors), on a fresh database of each "
        "backend: queries whose",
        "products all rank in their first five, and the time of one search (in this process, "
        f"no RPC). Command: `{command}`.",
        "",
        table(["backend", "queries hit", "hit rate", "search p50 ms", "search p99 ms"], found),
        "",
        "### Query plans (EXPLAIN ANALYZE)",
    ]
    for label, plan in plans:
        lines += ["", f"**{label}**", "", "```", plan, "```"]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=100_000)
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--reseed", action="store_true")
    parser.add_argument("--replicas", type=int, default=1)
    parser.add_argument("--http", action=argparse.BooleanOptionalAction, default=True,
                        help="also measure through the gateway over HTTP")
    parser.add_argument("--only", default="", help="only the scenarios whose label has this text")
    args = parser.parse_args()
    print(run(args.products, args.seconds, args.clients, args.reseed, args.replicas, args.http,
              args.only), flush=True)


if __name__ == "__main__":
    main()
