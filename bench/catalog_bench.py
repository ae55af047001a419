"""Catalog latency and throughput on a seeded catalog of 100,000 products on PostgreSQL.

    .venv/bin/python -m bench.catalog_bench [--products 100000] [--seconds 8] [--clients 16]
        [--replicas 1] [--reseed] [--no-http] [--only "product page"] [--runs 3]

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
  `--clients` keep-alive HTTP connections (`bench/load.py`) calling `GET /api/v1/products?...` and
  `GET /api/v1/products/{id}` anonymously, each figure the median (min–max) of `--runs` runs; the
  product page also at 1 client, and open-loop at fixed offered rates (latency from when each
  request was due) for the plot `bench/product-page.png`.
Then EXPLAIN ANALYZE of each listing's statement (the page, with the total as a subquery), showing
the indexes used, and the text search's hit rate on the relevance set of the tests
(tests/integration/catalog/relevance.py) on fresh PostgreSQL and SQLite databases.
Targets: p99 < 100 ms for listings and < 30 ms for a product page. Last, with
`--http` and every scenario, the reference example's product GET built from the stack's stock
parts (bench/reference.py) under the same loads, and the targets of DESIGN.md's "Performance"
read against it. Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
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

from bench import load, plot
from bench.common import CpuMeter, machine, percentile, table
from bench.processes import gunicorn_shape, serves, start_gateway, stop, virtual_host

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
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
def http_scenario(make_call) -> load.Scenario:
    """The same requests as anonymous HTTP GETs through the gateway."""
    return lambda rng: load.Call("GET", make_call(rng)[2])


OFFERED = (50, 100, 150, 200, 300, 400)  # product pages a second offered in the open-loop sweep


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
    from sqlalchemy.orm import Session, sessionmaker

    from services.catalog import schemas
    from services.catalog.actions import listing, products, shops
    from services.common import migrations
    from services.common.caller import Caller
    from services.common.db import Db, make_engine
    from services.common.outbox import EventRecorder
    from services.common.uow import UnitOfWork

    migrations.upgrade("catalog", url)
    engine = make_engine(url, pool_size=1)
    uow = UnitOfWork(Db(sessionmaker(bind=engine, expire_on_commit=False), engine),
                     EventRecorder("catalog"))
    seller = Caller(user_id=str(uuid.uuid4()), roles=frozenset({"seller"}))
    keys: dict[str, str] = {}
    times: list[float] = []
    try:
        shop = shops.create_shop(uow, seller, schemas.load(schemas.ShopIn, {
            "name": "Relevance", "currency": "RUB"}))
        for key, fields in relevance_set.catalog():
            made = products.create_product(uow, seller, schemas.load_product(
                schemas.NewProductIn, relevance_set.body(fields), shop_id=shop["id"]))
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


@contextlib.contextmanager
def reference_running(amqp_uri: str):
    """The reference example's services and app (bench/reference.py) on a database of their own."""
    from bench import reference

    database = f"atelier_reference_bench_{uuid.uuid4().hex[:8]}"
    _admin(f'CREATE DATABASE "{database}"')
    try:
        with reference.running(amqp_uri, f"{PG_ADMIN.rsplit('/', 1)[0]}/{database}") as running:
            yield running
    finally:
        _admin(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


def _per_request(cpu_ms: dict[str, float], requests: int) -> list[str]:
    per = [cpu_ms[group] / max(requests, 1) for group in CPU_GROUPS]
    return [f"{ms:.2f}" for ms in per] + [f"{sum(per):.2f}"]


def _targets(http: dict, one_client: dict, ref: dict, ref_one: dict) -> list[list[str]]:
    """The performance targets, each against the reference product GET measured in the run."""
    rows = []

    def row(what, value, goal, met):
        rows.append([what, value, goal, "met" if met else "NOT met"])

    ref_rps, ref_p99 = ref["rps"].median, ref["p99"].median
    page = http.get("product page")
    if page:
        ratio = page["rps"].median / ref_rps
        row("product page req/s at 16 clients ÷ reference GET", f"{ratio:.2f}×", "≥ 3×",
            ratio >= 3)
        row("product page p99 at 16 clients", f"{page['p99'].median:.1f} ms (reference "
            f"{ref_p99:.1f})", "≤ half the reference's", page["p99"].median <= ref_p99 / 2)
    if one_client and ref_one:
        row("product page p50 at 1 client", f"{one_client['p50'].median:.1f} ms (reference "
            f"{ref_one['p50'].median:.1f})", "≤ the reference's",
            one_client["p50"].median <= ref_one["p50"].median)
    for label, got in http.items():
        if label == "product page":
            continue
        ratio = got["rps"].median / ref_rps
        row(f"{label}: req/s ÷ reference GET, p99", f"{ratio:.2f}×, {got['p99'].median:.1f} ms",
            f"≥ 1.5×, ≤ {ref_p99:.1f} ms", ratio >= 1.5 and got["p99"].median <= ref_p99)
    return rows


def run(products: int = 100_000, seconds: float = 8.0, clients: int = 16,
        reseed: bool = False, replicas: int = 1, http: bool = True, only: str = "",
        runs: int = 3) -> str:
    command = " ".join([".venv/bin/python -m bench.catalog_bench", *sys.argv[1:]])
    from gateway.rpc.client import RpcClient

    prepared = prepare(products, reseed)
    work = Path(tempfile.mkdtemp(prefix="atelier-catalog-bench-"))
    log = work / "catalog.log"
    rows, cpu, by_scenario = [], [], {}
    one_client = ref = ref_one = None
    curves: dict[str, list] = {}
    with virtual_host("atelier-catalog-bench") as amqp_uri:
        procs = [start_catalog(amqp_uri, log) for _ in range(replicas)]
        gateway_proc = None
        try:
            client = RpcClient(amqp_uri, timeout=10)
            for proc in procs:
                wait_healthy(client, proc, log)
            ids = sample_ids()
            if http:
                gateway_proc, port = start_gateway(work, {"AMQP_URI": amqp_uri},
                                                   ready=serves("catalog"))
            meter = CpuMeter({"catalog": [proc.pid for proc in procs],
                              "gateway": [gateway_proc.pid] if gateway_proc else []},
                             {"PostgreSQL": "postgres:", "RabbitMQ": "rabbit"})
            for label, make_call in scenarios(ids):
                if only not in label:
                    continue
                measure(client, make_call, clients, 1.0)  # warm caches and connections
                meter.start()
                rpc = measure(client, make_call, clients, seconds)
                cpu.append([label, "RPC", *_per_request(meter.ms_by_group(), rpc["n"])])
                nan = load.Spread(float("nan"), float("nan"), float("nan"))
                via = {"rps": nan, "p50": nan, "p99": nan, "errors": load.Spread(0, 0, 0)}
                if http:
                    answered = []

                    def once(make_call=make_call, answered=answered):
                        result = load.closed_loop(port, http_scenario(make_call),
                                                  clients=clients, seconds=seconds)
                        answered.append(result.sent)
                        return result.figures()

                    meter.start()
                    via = by_scenario[label] = load.repeat(once, runs)
                    cpu.append([label, "HTTP", *_per_request(meter.ms_by_group(),
                                                             sum(answered))])
                target = 30 if label == "product page" else 100
                rows.append([label, f"{rpc['rps']:.0f}", f"{rpc['p50']:.1f}",
                             f"{rpc['p99']:.1f}", f"{via['rps']:.0f}", f"{via['p50']:.1f}",
                             f"{via['p99']:.1f}", f"< {target}",
                             f"{rpc['errors'] + via['errors'].high:.0f}"])
                print(" | ".join(map(str, rows[-1])), file=sys.stderr, flush=True)
            page = next((make for label, make in scenarios(ids) if label == "product page"))
            if http and "product page" in by_scenario:
                scenario = http_scenario(page)
                one_client = load.repeat(lambda: load.closed_loop(
                    port, scenario, clients=1, seconds=seconds).figures(), runs)
                curves["Atelier product page"] = load.sweep(
                    port, scenario, OFFERED, seconds=seconds / 2, give_up_ms=2000)
            if gateway_proc is not None:
                stop(gateway_proc)
                gateway_proc = None
            plans = explain()
            found = relevance()
            if http and not only:
                with reference_running(amqp_uri) as reference:
                    ref = load.repeat(lambda: reference.measure("get", clients, seconds), runs)
                    ref_one = load.repeat(lambda: reference.measure("get", 1, seconds), runs)
                    curves["reference product GET"] = load.sweep(
                        reference.port, reference_product_page, OFFERED, seconds=seconds / 2,
                        give_up_ms=2000)
                rows.append(["reference shape: product GET (bench/reference.py)", "–", "–", "–",
                             f"{ref['rps']:.0f}", f"{ref['p50']:.1f}", f"{ref['p99']:.1f}", "–",
                             f"{ref['errors'].high:.0f}"])
        finally:
            if gateway_proc is not None:
                stop(gateway_proc)
            for proc in procs:
                proc.terminate()
            for proc in procs:
                proc.wait(20)
    lines = [
        "## Catalog: listings and product page on 100,000 products (PostgreSQL)",
        "",
        f"{machine()}; {prepared}; {clients} concurrent clients, {seconds:.0f} s per scenario "
        f"and way after a warm-up; {replicas} catalog replica(s). HTTP figures are the median "
        f"(min–max) of {runs} runs.",
        "RPC: the gateway's client calling the catalog directly. HTTP: anonymous GETs through the "
        "gateway",
        f"({gunicorn_shape()}, production settings) in front of the same catalog, the Python "
        "load generator on the same",
        "two cores. The product page counts a view both ways. Targets (p99): listings < 100 ms, "
        "product page < 30 ms.",
        "",
        table(["scenario", "RPC req/s", "RPC p50 ms", "RPC p99 ms", "HTTP req/s", "HTTP p50 ms",
               "HTTP p99 ms", "target p99 ms", "errors"], rows),
    ]
    if one_client:
        lines += ["", f"Product page at 1 client: {one_client['rps']:.0f} req/s, p50 "
                      f"{one_client['p50']:.1f} ms, p99 {one_client['p99']:.1f} ms"
                  + (f"; the reference GET {ref_one['rps']:.0f} req/s, p50 "
                     f"{ref_one['p50']:.1f} ms, p99 {ref_one['p99']:.1f} ms." if ref_one else ".")]
    if ref:
        lines += ["", "### Targets against the reference product GET (same run)", "",
                  table(["target", "measured", "goal", "verdict"],
                        _targets(by_scenario, one_client, ref, ref_one))]
    if curves:
        lines += ["", "### Latency against offered load (open loop, product page)", "",
                  table(["offered req/s", *(f"{name}: answered/s, p50, p99 ms" for name in curves)],
                        plot.curve_rows(curves))]
        plot.latency_against_load("product-page.png", "Product page: latency against offered load",
                                  curves)
    lines += [
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


def reference_product_page(rng):
    from bench import reference

    return reference.product_page(rng)


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
    parser.add_argument("--runs", type=int, default=3, help="HTTP runs per figure (the median)")
    args = parser.parse_args()
    print(run(args.products, args.seconds, args.clients, args.reseed, args.replicas, args.http,
              args.only, args.runs), flush=True)


if __name__ == "__main__":
    main()
