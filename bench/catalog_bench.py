"""Catalog latency and throughput on a seeded catalog of 100,000 products on PostgreSQL.

    .venv/bin/python -m bench.catalog_bench [--products 100000] [--seconds 8] [--clients 16]
        [--replicas 1] [--reseed]

What it starts, on this machine, stopped at the end: a RabbitMQ virtual host of its own and the
catalog service as production runs it (`nameko run --config deploy/nameko.yaml
services.catalog.service`, `--replicas` processes: DESIGN.md scales by replicas) on the PostgreSQL
database `atelier_catalog_bench`, seeded with
`atelier.seed.seed` (kept between runs when it already holds the products; `--reseed` rebuilds it).

What it measures, with `--clients` threads calling at once for `--seconds` each: a category listing
sorted by popularity, a text search, a price range sorted by price, and a product page, through RPC
with the gateway's own client (`gateway.rpc.client.RpcClient`, one per process as the gateway keeps
it): the gateway's catalog routes are not there yet, so HTTP is not in these figures. Then EXPLAIN
ANALYZE of each listing's two queries (the page and its count), showing the indexes used.
Targets: p99 < 100 ms for listings and < 30 ms for a product page. Figures are printed, never
asserted.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import psycopg2
import psycopg2.extensions

from bench.common import machine, percentile, table

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
BROKER = os.environ.get("ATELIER_BENCH_BROKER", "amqp://guest:guest@127.0.0.1:5672/")
PG_ADMIN = os.environ.get("ATELIER_BENCH_POSTGRES",
                          os.environ.get("ATELIER_TEST_POSTGRES",
                                         "postgresql://postgres@127.0.0.1:5432/postgres"))
DATABASE = "atelier_catalog_bench"
WORDS = ["fox", "mug", "linen", "wooden", "soap", "candle", "blanket", "ring", "lavender", "owl"]
CATEGORIES = ["ceramics", "jewelry", "toys", "home-decor", "mugs-and-cups", "earrings", "art"]


def database_url() -> str:
    return f"{PG_ADMIN.rsplit('/', 1)[0]}/{DATABASE}"


def _admin(sql: str) -> None:
    conn = psycopg2.connect(PG_ADMIN)
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
    """The seeded database, reused when it already holds `products` products."""
    if not reseed and seeded_products() == products:
        return f"reused {DATABASE} ({products} products)"
    from atelier.seed import seed

    _admin(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
    _admin(f'CREATE DATABASE "{DATABASE}"')
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
    def category(rng):
        return ("list_products", {"category": rng.choice(CATEGORIES), "sort": "popularity"})

    def search(rng):
        return ("list_products", {"q": rng.choice(WORDS)})

    def price_range(rng):
        low = rng.randrange(50_000, 1_000_000, 10_000)
        return ("list_products", {"min_price": low, "max_price": low + low // 2,
                                  "sort": "price_asc"})

    def product_page(rng):
        return ("get_product", rng.choice(ids))

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
            method, arg = make_call(rng)
            started = time.perf_counter()
            try:
                client.call("catalog", method, arg, context={"request_id": "bench"}, timeout=10)
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


def explain() -> list[tuple[str, str]]:
    """EXPLAIN ANALYZE of each listing's page query and count query, as the service builds them."""
    from sqlalchemy import func, select

    from services.catalog.actions.listing import (
        CARD_COLUMNS,
        SEARCH_COUNT_CAP,
        _ordered,
        filters,
    )
    from services.catalog.domain.listing import SortOrder
    from services.catalog.models import Product
    from services.common.db import make_engine

    cases = [
        ("category listing, popularity", {"category": "ceramics"}, SortOrder.POPULARITY),
        ("text search", {"q": "fox"}, SortOrder.POPULARITY),
        ("price range, price_asc", {"min_price": 300_000, "max_price": 450_000},
         SortOrder.PRICE_ASC),
    ]
    plans = []
    engine = make_engine(database_url(), pool_size=1)
    conn = engine.raw_connection()  # a connected dialect renders LIKE's escape as the server reads it
    try:
        with conn.cursor() as cur:
            for label, params, order in cases:
                conditions = filters(params)
                page = _ordered(select(*CARD_COLUMNS).where(*conditions), order).limit(20)
                matching = select(Product.id).where(*conditions)
                if "q" in params:
                    matching = matching.limit(SEARCH_COUNT_CAP + 1)
                count = select(func.count()).select_from(matching.subquery())
                for part, query in (("page", page), ("count", count)):
                    compiled = query.compile(dialect=engine.dialect,
                                             compile_kwargs={"render_postcompile": True})
                    cur.execute("EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) " + str(compiled),
                                compiled.params)
                    plan = "\n".join(row[0] for row in cur.fetchall())
                    plans.append((f"{label} — {part}", plan))
    finally:
        conn.close()
        engine.dispose()
    return plans


def run(products: int = 100_000, seconds: float = 8.0, clients: int = 16,
        reseed: bool = False, replicas: int = 1) -> str:
    from gateway.rpc.client import RpcClient

    prepared = prepare(products, reseed)
    vhost = f"atelier-catalog-bench-{uuid.uuid4().hex[:8]}"
    amqp_uri = f"{BROKER.rstrip('/')}/{vhost}"
    rabbitmqctl("add_vhost", vhost)
    rabbitmqctl("set_permissions", "-p", vhost, "guest", ".*", ".*", ".*")
    log = Path(f"/tmp/{vhost}.log")
    procs = [start_catalog(amqp_uri, log) for _ in range(replicas)]
    rows = []
    try:
        client = RpcClient(amqp_uri, timeout=10)
        for proc in procs:
            wait_healthy(client, proc, log)
        ids = sample_ids()
        for label, make_call in scenarios(ids):
            measure(client, make_call, clients, 1.0)  # warm caches and connections
            result = measure(client, make_call, clients, seconds)
            target = 30 if label == "product page" else 100
            rows.append([label, result["n"], f"{result['rps']:.0f}", f"{result['p50']:.1f}",
                         f"{result['p99']:.1f}", f"< {target}", result["errors"]])
            print(" | ".join(map(str, rows[-1])), file=sys.stderr, flush=True)
        plans = explain()
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            proc.wait(20)
        subprocess.run(["rabbitmqctl", "-q", "delete_vhost", vhost], capture_output=True,
                       timeout=60)
    lines = [
        "## Catalog: listings and product page on 100,000 products (PostgreSQL)",
        "",
        f"{machine()}; {prepared}; {clients} concurrent clients, {seconds:.0f} s per scenario; "
        f"{replicas} catalog replica(s).",
        "Measured through RPC with the gateway's client (the gateway's catalog routes are not there",
        "yet, so no HTTP in these figures). Targets: listings p99 < 100 ms, product page < 30 ms.",
        "",
        table(["scenario", "calls", "req/s", "p50 ms", "p99 ms", "target p99 ms", "errors"], rows),
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
    args = parser.parse_args()
    print(run(args.products, args.seconds, args.clients, args.reseed, args.replicas), flush=True)


if __name__ == "__main__":
    main()
