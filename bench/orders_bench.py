"""Orders: checkouts per second through the gateway, and the latency from `POST /checkout` to its
`order.placed` consumed by another service, on PostgreSQL, with the real catalog, shipping and
orders services, the orders relay and the gateway under gunicorn with its production config.

Over HTTP, as a client app checks out: 16 registered buyers (JWT), each in its own thread with one
keep-alive connection. First every buyer fills its cart with one unit of a tracked product from
each of `--shops` shops (cart adds, 16 at once, measured on their own); then every buyer checks
out its cart shop by shop, all in the same shop order, so that buyers race for the same stock
rows: `POST /api/v1/checkout` with a fresh `Idempotency-Key` and the body of API.md (shipping
address, that shop with its fixed-cost delivery method, `accept_rules`). Each checkout turns one
cart group (one line) into one order: it calls the catalog once (price, terms and stock hold) and
shipping once, and writes two transactions in the orders database. Checkouts per second count
completed checkouts.

"Consumed" is when the catalog's `order.placed` handler recorded the event in its inbox (the
handler makes the order's stock hold final), read from the catalog's own database afterwards; the
latency runs from the moment the checkout request was sent. The CPU time each process spent during
the checkouts (from /proc), divided by the checkouts made, shows where a checkout's cost lies and
what two cores allow at most. Measured in the same run before the load: raw RabbitMQ publishing
with confirms and raw PostgreSQL INSERT+COMMIT (as bench/relay_bench measures them), printed beside
DESIGN.md's reference figures, and the reference example's order create built from the stack's
stock parts (bench/reference.py), with as many clients for as long. Each figure is the median
(min–max) of `--runs` runs, and the targets of DESIGN.md's "Performance" are read against the
reference's. Last, open loop: checkouts sent at fixed offered rates, latency from when each was due,
beside the reference's order create, plotted in `bench/checkout.png`. Prints figures, asserts
nothing.

    .venv/bin/python -m bench.orders_bench [--buyers 16] [--seconds 10] [--shops 200] [--runs 3]
        [--no-sweep] [--profile DIR]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import statistics
import sys
import tempfile
import threading
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import text

from bench import load, plot, profile, reference
from bench.common import CpuMeter, machine, percentile, table
from bench.relay_bench import raw_pg_insert, raw_publish_confirm
from services.common.db import make_engine
from tests.support import harness
from tests.support.api import Api, User

COMMAND = ".venv/bin/python -m bench.orders_bench  (or: make bench)"
ADDRESS = {"full_name": "Anna Petrova", "phone": "+79990000000", "country": "RU",
           "region": "Moscow", "city": "Moscow", "line1": "Tverskaya 1", "postal_code": "125009"}
REFERENCE = ("DESIGN.md reference for this machine kind: RabbitMQ one publisher with confirms "
             "≈1.6–1.7k msg/s; PostgreSQL INSERT+COMMIT ≈4.9k rows/s (1 client), ≈14k/s (16); "
             "Nameko reference example order create ≈80–120/s at 16 clients, p99 ≈200–300 ms.")


def _created(response, what: str) -> dict:
    if response.status_code != 201:
        raise RuntimeError(f"{what}: {response.status_code} {response.text[:500]}")
    return response.json()


def _seed(api: Api, seller: User) -> tuple[str, str, str]:
    shop = _created(api.call("POST", "/shops", seller,
                             json={"name": "Bench pottery", "currency": "RUB"}), "shop")
    product = _created(api.call("POST", f"/shops/{shop['id']}/products", seller, json={
        "title": "Mug", "description": "Stoneware.", "category": "ceramics",
        "price": 150000, "stock": {"mode": "tracked", "quantity": 1_000_000},
        "weight_grams": 400}), "product")
    method = _created(api.call("POST", f"/shops/{shop['id']}/delivery-methods", seller, json={
        "name": "Courier", "carrier": "courier",
        "rate": {"basis": "fixed", "tiers": [{"from": 0, "cost": 30000}]}}), "delivery method")
    return shop["id"], product["id"], method["id"]


def _shops(gateway, count: int) -> list[tuple[str, str, str]]:
    """`count` shops (one per seller, as the platform has it), each selling one tracked mug with a
    fixed-cost courier: (shop id, product id, method id)."""
    made: list[tuple[str, str, str]] = []

    def seller(n: int) -> None:
        api = Api(gateway)  # a requests session per thread
        try:
            made.append(_seed(api, api.register("seller", name=f"Potter {n}")))
        finally:
            api.close()

    _together([lambda n=n: seller(n) for n in range(count)], threads=8)
    return made


def _together(jobs: list, threads: int) -> None:
    """Run the callables on `threads` threads; the first failure is raised."""
    queue, failures = list(jobs), []
    lock = threading.Lock()

    def work() -> None:
        while True:
            with lock:
                if not queue or failures:
                    return
                job = queue.pop()
            try:
                job()
            except Exception as exc:  # noqa: BLE001 - reported below
                failures.append(exc)

    pool = [threading.Thread(target=work) for _ in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    if failures:
        raise failures[0]


def _body(shop_id: str, method_id: str) -> dict:
    return {"shipping_address": ADDRESS, "accept_rules": True,
            "shops": [{"shop_id": shop_id, "delivery_method_id": method_id}]}


class _Client:
    """One buyer's keep-alive connection to the gateway."""

    def __init__(self, port: int, user: User):
        self.port, self.user = port, user
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.retried = 0

    def post(self, path: str, payload: str, headers: dict | None = None, *,
             idempotent: bool = False) -> tuple[int, bytes]:
        """POST on the kept connection. A request with an Idempotency-Key is sent once more, on a
        new connection, when the server had dropped the kept one (as HTTP clients do)."""
        headers = {"Authorization": f"Bearer {self.user.token}",
                   "Content-Type": "application/json", **(headers or {})}
        for attempt in (1, 2):
            try:
                self.conn.request("POST", f"/api/v1{path}", body=payload, headers=headers)
                response = self.conn.getresponse()
                return response.status, response.read()
            except (OSError, http.client.HTTPException) as exc:
                self.conn.close()
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
                dropped = isinstance(exc, (http.client.RemoteDisconnected, ConnectionError))
                if not (idempotent and dropped and attempt == 1):
                    return 0, repr(exc).encode()
                self.retried += 1
        raise AssertionError("unreachable")

    def close(self) -> None:
        self.conn.close()


def _each_buyer(clients: list[_Client], work) -> float:
    """`work(client)` on one thread per buyer, all at once; the seconds it took."""
    threads = [threading.Thread(target=work, args=(client,)) for client in clients]
    began = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.perf_counter() - began


def _fill_carts(clients: list[_Client], shops: list[tuple[str, str, str]]) -> dict:
    """Every buyer puts one unit of each shop's mug in its cart, 16 buyers at once."""
    took_ms: list[float] = []
    errors: list[str] = []

    def fill(client: _Client) -> None:
        for _shop_id, product_id, _method_id in shops:
            started = time.perf_counter()
            status, raw = client.post("/cart/items",
                                      json.dumps({"product_id": product_id, "quantity": 1}))
            if status != 201:
                errors.append(f"cart add {status}: {raw[:200]!r}")
                continue
            took_ms.append((time.perf_counter() - started) * 1000)

    elapsed = _each_buyer(clients, fill)
    if errors:
        raise RuntimeError(f"{len(errors)} cart adds failed; first: {errors[0]}")
    return {"ms": took_ms, "elapsed": elapsed}


def _check_out(clients: list[_Client], plan: list[list[tuple[str, str, str]]],
               seconds: float) -> dict:
    """Each buyer checks out its cart one shop at a time (its own list in `plan`) until time is
    up or its cart is empty."""
    sent: dict[str, datetime] = {}
    call_ms: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    shops_of = dict(zip(clients, plan, strict=True))

    def buyer(client: _Client) -> None:
        shops = shops_of[client]
        while shops and time.monotonic() < stop_at:
            shop_id, _product_id, method_id = shops.pop(0)
            started_wall = datetime.now(UTC)
            started = time.perf_counter()
            status, raw = client.post("/checkout", json.dumps(_body(shop_id, method_id)),
                                      {"Idempotency-Key": str(uuid.uuid4())}, idempotent=True)
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                if status != 201:
                    errors.append(f"checkout {status}: {raw[:200]!r}")
                    continue
                call_ms.append(elapsed)
                for order in json.loads(raw)["orders"]:
                    sent[order["id"]] = started_wall
        if not shops:
            with lock:
                errors.append("a buyer's cart ran out before the time: give more --shops")

    elapsed = _each_buyer(clients, buyer)
    return {"sent": sent, "call_ms": call_ms, "errors": errors, "elapsed": elapsed}


def _consumed(orders_url: str, catalog_url: str, order_ids: set[str]) -> dict[str, datetime]:
    """When the catalog handled each order's `order.placed` (its inbox), by order id."""
    orders_db, catalog_db = make_engine(orders_url, pool_size=1), make_engine(catalog_url,
                                                                              pool_size=1)
    try:
        with orders_db.connect() as conn:
            event_of = dict(conn.execute(text(
                "SELECT event_id, aggregate_id FROM outbox WHERE type = 'order.placed'")).all())
        with catalog_db.connect() as conn:
            handled = conn.execute(text(
                "SELECT event_id, handled_at FROM inbox WHERE event_type = 'order.placed'")).all()
    finally:
        orders_db.dispose()
        catalog_db.dispose()
    return {event_of[e]: at for e, at in handled if event_of.get(e) in order_ids}


def _ms(values: list[float]) -> str:
    return f"{percentile(values, 50):.0f} / {percentile(values, 99):.0f}"


OFFERED = (15, 30, 45, 60, 90)  # checkouts a second offered in the open-loop sweep
SWEEP_SECONDS = 4.0


class _Plan:
    """Every buyer's cart lines, handed out once each across forked client processes: the k-th
    request (a counter in shared memory) checks out line k // buyers of buyer k % buyers."""

    def __init__(self, clients: list[_Client], plan: list[list[tuple[str, str, str]]]):
        import multiprocessing

        self.tokens = [client.user.token for client in clients]
        self.plan = plan
        self.taken = multiprocessing.get_context("fork").Value("q", 0)

    def __call__(self, _rng) -> load.Call:
        with self.taken.get_lock():
            k = self.taken.value
            self.taken.value += 1
        buyer, line = k % len(self.tokens), k // len(self.tokens)
        shop_id, _product_id, method_id = self.plan[buyer][line]
        return load.Call("POST", "/api/v1/checkout", json.dumps(_body(shop_id, method_id)).encode(),
                         {"Authorization": f"Bearer {self.tokens[buyer]}",
                          "Content-Type": "application/json",
                          "Idempotency-Key": str(uuid.uuid4())}, ok=(201,))


def _sweep_lines() -> int:
    """Cart lines the sweep may check out (each rate for its measured seconds and 1 s warm-up)."""
    return int(sum(rate * (SWEEP_SECONDS + 1.0) + 1 for rate in OFFERED))


def run(buyers: int = 16, seconds: float = 10.0, shop_count: int = 200, runs: int = 3,
        sweep: bool = True, profile_dir: Path | None = None) -> str:
    tmp = Path(tempfile.mkdtemp(prefix="orders-bench-"))
    vhost = harness.VirtualHost().create()
    dbs = harness.Databases("postgresql", tmp)
    system = harness.System(vhost, dbs, tmp)
    api = None
    clients: list[_Client] = []
    curves: dict[str, list] = {}
    try:
        publish_rate = raw_publish_confirm(vhost.uri, 3000)
        insert_rate = raw_pg_insert(dbs.url("raw"), 3000)
        with reference.running(vhost.uri, dbs.url("reference")) as shape_of:
            shape = load.repeat(lambda: shape_of.measure("create", buyers, seconds), runs)
            if sweep:
                curves["reference order create"] = load.sweep(
                    shape_of.port, reference.order_create, OFFERED, seconds=SWEEP_SECONDS,
                    give_up_ms=3000)

        for service in ("catalog", "shipping", "orders"):
            system.start(service, wait=False)
        for proc, service in zip(system.processes, ("catalog", "shipping", "orders"),
                                 strict=True):
            proc.wait_healthy(service)
        system.relay("orders")
        gateway = system.gateway({"ATELIER_ENV": "production"})
        api = Api(gateway)
        shops = sorted(_shops(gateway, shop_count))
        clients = [_Client(gateway.port, api.register("buyer", name=f"Buyer {i}"))
                   for i in range(buyers)]
        names = ("catalog", "shipping", "orders", "relay", "gateway")
        meter = CpuMeter({name: [proc.proc.pid] for name, proc in zip(
            names, system.processes, strict=True)},
            {"PostgreSQL": "postgres:", "RabbitMQ": "rabbit"})
        meter.start()
        filled = _fill_carts(clients, shops)
        filled["cpu"] = {name: ms / max(len(filled["ms"]), 1)
                         for name, ms in meter.ms_by_group().items()}

        warm_up = 3.0
        plan = [list(shops) for _ in clients]
        _check_out(clients, plan, warm_up)  # warms pools, queues and caches on the first shops
        measured: list[dict] = []
        profiled: list[str] = []

        def once() -> dict:
            for client in clients:
                client.retried = 0
            meter.start()
            own = os.times()
            if profile_dir is not None and not measured:  # the first run, profiled
                with profile.Profiles(profile_dir, {name: proc.proc.pid for name, proc in zip(
                        names, system.processes, strict=True)}, seconds) as profiles:
                    result = _check_out(clients, plan, seconds)
                profiled.append(profiles.summary())
            else:
                result = _check_out(clients, plan, seconds)
            cpu_ms = meter.ms_by_group()
            now = os.times()  # this process alone: the HTTP clients
            cpu_ms["bench clients"] = (now.user + now.system - own.user - own.system) * 1000
            sent = result["sent"]
            harness.wait_for(
                lambda: len(_consumed(system.urls["orders"], system.urls["catalog"], set(sent)))
                >= len(sent), timeout=120, interval=0.5, message="every order.placed consumed")
            consumed = _consumed(system.urls["orders"], system.urls["catalog"], set(sent))
            result["lag_ms"] = [(consumed[o] - sent[o]).total_seconds() * 1000
                                for o in sent if o in consumed]
            result["cpu"] = {name: ms / max(len(result["call_ms"]), 1)
                             for name, ms in cpu_ms.items()}
            result["retried"] = sum(c.retried for c in clients)
            measured.append(result)
            servers = sum(ms for name, ms in result["cpu"].items() if name != "bench clients")
            own = sum(result["cpu"][name] for name in names)
            return {"rps": len(result["call_ms"]) / result["elapsed"],
                    "p50": percentile(result["call_ms"], 50),
                    "p99": percentile(result["call_ms"], 99),
                    "lag_p50": percentile(result["lag_ms"], 50),
                    "lag_p99": percentile(result["lag_ms"], 99),
                    "cpu_ms": servers, "own_cpu_ms": own, "errors": len(result["errors"])}

        checkout = load.repeat(once, runs)
        if sweep:
            left = min(len(lines) for lines in plan) * buyers
            if left < _sweep_lines():
                raise RuntimeError(f"{left} cart lines left for the open-loop sweep, "
                                   f"{_sweep_lines()} needed: give more --shops")
            curves["Atelier checkout"] = load.sweep(gateway.port, _Plan(clients, plan), OFFERED,
                                                   seconds=SWEEP_SECONDS, give_up_ms=3000)
            plot.latency_against_load("checkout.png", "Checkout: latency against offered load",
                                      curves)
    finally:
        for client in clients:
            client.close()
        if api is not None:
            api.close()
        system.stop()
        dbs.drop_all()
        vhost.delete().wait(60)

    cart_rate = len(filled["ms"]) / filled["elapsed"]
    cpu = {name: statistics.median(r["cpu"][name] for r in measured) for name in measured[0]["cpu"]}
    servers = sum(ms for name, ms in cpu.items() if name != "bench clients")
    errors = [e for r in measured for e in r["errors"]]
    rows = [
        ["raw RabbitMQ publish with confirms (kombu, 1 publisher), before the load",
         f"{publish_rate:,.0f} msg/s"],
        ["raw PostgreSQL INSERT+COMMIT (1 client), before the load", f"{insert_rate:,.0f} rows/s"],
        ["reference shape's order create, before the load (bench/reference.py: 2 RPCs, "
         "one transaction, one event consumed; nothing else): req/s; p50 / p99 ms; CPU ms each",
         f"{shape['rps']:.0f}; {shape['p50']:.0f} / {shape['p99']:.0f}; {shape['cpu_ms']:.1f}"],
        [f"checkouts/s ({buyers} buyers)", f"{checkout['rps']:.0f}"],
        ["POST /checkout HTTP p50 / p99 ms", f"{checkout['p50']:.0f} / {checkout['p99']:.0f}"],
        ["POST /checkout → order.placed consumed (catalog inbox) p50 / p99 ms",
         f"{checkout['lag_p50']:.0f} / {checkout['lag_p99']:.0f}"],
        ["checkouts measured / failed / sent again on a new connection (same key), all runs",
         f"{sum(len(r['call_ms']) for r in measured)} / {len(errors)} / "
         f"{sum(r['retried'] for r in measured)}"],
        ["CPU ms per checkout (medians): " + ", ".join(
            f"{name} {ms:.1f}" for name, ms in sorted(cpu.items(), key=lambda item: -item[1])),
         f"{servers:.1f} in the servers (2 cores: at most {2000 / servers:.0f}/s)"],
        ["CPU ms per request in its own processes, without the PostgreSQL and RabbitMQ servers "
         "(which other work on a shared machine also uses): checkout; reference order create",
         f"{checkout['own_cpu_ms']:.1f}; {shape['own_cpu_ms']:.1f} "
         f"({checkout['own_cpu_ms'].median / shape['own_cpu_ms'].median:.2f}×)"],
        [f"before: cart adds/s ({buyers} buyers, one run), p50 / p99 ms",
         f"{cart_rate:.0f}, {_ms(filled['ms'])}"],
        ["CPU ms per cart add: " + ", ".join(
            f"{name} {ms:.1f}" for name, ms in sorted(filled["cpu"].items(),
                                                      key=lambda item: -item[1])),
         f"{sum(filled['cpu'].values()):.1f} in the servers"],
    ]
    ratio = checkout["rps"].median / shape["rps"].median
    cpu_ratio = checkout["cpu_ms"].median / shape["cpu_ms"].median
    targets = [
        ["checkouts/s ÷ reference order creates/s", f"{ratio:.2f}×", "≥ 1.0×", ratio >= 1.0],
        ["CPU per checkout ÷ reference's per order create", f"{cpu_ratio:.2f}×", "≤ 1.5×",
         cpu_ratio <= 1.5],
        ["p99 POST /checkout → order.placed consumed", f"{checkout['lag_p99'].median:.0f} ms",
         f"≤ {shape['p99'].median:.0f} ms (reference create p99)",
         checkout["lag_p99"].median <= shape["p99"].median],
        ["cart adds/s ÷ checkouts/s", f"{cart_rate / checkout['rps'].median:.2f}×", "≥ 2×",
         cart_rate >= 2 * checkout["rps"].median],
    ]
    lines = [f"## Orders: checkout through the gateway\n\n{machine()} · PostgreSQL · gateway "
             f"under gunicorn (gateway/gunicorn.conf.py, ATELIER_ENV=production) · {buyers} "
             f"concurrent registered buyers, keep-alive HTTP · carts filled before from "
             f"{shop_count} shops, one tracked line per checkout · {seconds:.0f} s a run after "
             f"{warm_up:.0f} s warm-up · median (min–max) of {runs} runs", "",
             table(["figure", "value"], rows), "", "### Targets against the reference (same run)",
             "", table(["target", "measured", "goal", "verdict"],
                       [[*row[:3], "met" if row[3] else "NOT met"] for row in targets])]
    if curves:
        lines += ["", "### Latency against offered load (open loop; HTTP answer, ms from when "
                      "due)", "", table(["offered/s", *(f"{name}: answered/s, p50, p99"
                                                         for name in curves)],
                                        plot.curve_rows(curves))]
    if profiled:
        lines += ["", f"### Profiles of the first run (py-spy, raw stacks in {profile_dir})", "",
                  *profiled]
    if errors:
        lines += ["", f"First failure: `{errors[0]}`"]
    lines += ["", REFERENCE, "", f"Reproduce: `{COMMAND}`"]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--buyers", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=10.0, help="measured seconds a run")
    parser.add_argument("--shops", type=int, default=200,
                        help="shops in every cart: one checkout each, at most")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--sweep", action=argparse.BooleanOptionalAction, default=True,
                        help="open-loop checkouts at fixed offered rates, and the plot")
    parser.add_argument("--profile", type=Path, default=None, metavar="DIR",
                        help="profile every process during the first run with py-spy, into DIR")
    args = parser.parse_args(argv)
    print(run(args.buyers, args.seconds, args.shops, args.runs, args.sweep, args.profile),
          flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
