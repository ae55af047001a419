"""Notifications: the latency from an `order.placed` committed to its buyer's e-mail accepted by
the SMTP sink, and notices per second under a burst of 1,000 events, on PostgreSQL, with the
notifications service as its own process (default settings: the sender polls every 0.5 s) and the
SMTP sink (`atelier.sinks.MailSink`) in this process.

The events are guest orders' `order.placed` (each with its own buyer e-mail), recorded in an
outbox and published by a relay as the orders service does (`tests.support.event_source`). Each
makes an e-mail to the buyer and in-app notices for the seller and the admins.
1. Latency: `--paced` events, one every `--gap` seconds, each committed in its own transaction;
   from the commit to the sink accepting the buyer's e-mail (its `received_at`).
2. Burst: `--burst` events committed in one transaction at once; notices per second are the
   in-app notices and e-mails written by the handler over the time from the commit to the last
   one written, and e-mails per second from the commit to the sink accepting the last one.
Prints figures, asserts nothing.

    .venv/bin/python -m bench.notifications_bench [--paced 100] [--gap 0.05] [--burst 1000]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import threading
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.orm import Session

from atelier.sinks import MailSink
from bench.common import machine, percentile, table
from services.common.db import make_engine
from services.common.outbox import EventRecorder
from tests.support import harness
from tests.support.event_source import EventSource

COMMAND = ".venv/bin/python -m bench.notifications_bench  (or: make bench)"
SHOP, SELLER = str(uuid.uuid4()), str(uuid.uuid4())


def _placed(email: str) -> tuple[str, dict]:
    order_id = str(uuid.uuid4())
    return order_id, {
        "order_id": order_id, "shop_id": SHOP, "buyer_id": None, "seller_id": SELLER,
        "lines": [{"product_id": str(uuid.uuid4()), "quantity": 1, "title": "Mug",
                   "unit_price": {"amount": 100000, "currency": "RUB"}}],
        "grand_total": {"amount": 130000, "currency": "RUB"}, "buyer_email": email,
        "buyer_name": "Anna", "access_token": uuid.uuid4().hex}


def _accepted(mail: MailSink, prefix: str) -> dict[str, datetime]:
    return {m["to"]: datetime.fromisoformat(m["received_at"]) for m in mail.messages
            if m["to"].startswith(prefix)}


def _written(engine) -> int:
    with engine.connect() as conn:
        notices = conn.execute(text("SELECT count(*) FROM notices")).scalar_one()
        mails = conn.execute(text("SELECT count(*) FROM deliveries")).scalar_one()
    return notices + mails


def _ms(values: list[float]) -> str:
    if not values:
        return "n/a"
    return f"{percentile(values, 50):.0f} / {percentile(values, 99):.0f}"


def run(paced: int = 100, gap: float = 0.05, burst: int = 1000) -> str:
    tmp = Path(tempfile.mkdtemp(prefix="notifications-bench-"))
    vhost = harness.VirtualHost().create()
    dbs = harness.Databases("postgresql", tmp)
    system = harness.System(vhost, dbs, tmp)
    mail = MailSink().start()
    try:
        env = {"NOTIFICATIONS_SMTP_HOST": mail.smtp_host,
               "NOTIFICATIONS_SMTP_PORT": str(mail.smtp_port),
               "NOTIFICATIONS_SMS_URL": "http://127.0.0.1:9",
               "NOTIFICATIONS_TELEGRAM_URL": "http://127.0.0.1:9"}
        system.start("notifications", env=env)
        engine = make_engine(system.database_url("notifications"), pool_size=2)
        with EventSource(system, producer="orders") as source:
            source.publish("shop.created", {"shop_id": SHOP, "owner_id": SELLER})  # warms up

            committed: dict[str, datetime] = {}
            for index in range(paced):
                email = f"paced-{index}@bench.test"
                order_id, data = _placed(email)
                with Session(source.engine) as session, session.begin():
                    EventRecorder("orders").record(session, "order.placed", data,
                                                   aggregate_id=order_id)
                committed[email] = datetime.now(UTC)
                time.sleep(gap)
            harness.wait_for(lambda: len(_accepted(mail, "paced-")) >= paced, 120, 0.2,
                             "every paced e-mail")
            accepted = _accepted(mail, "paced-")
            lag = [(accepted[e] - at).total_seconds() * 1000 for e, at in committed.items()]

            before = _written(engine)
            with Session(source.engine) as session, session.begin():
                recorder = EventRecorder("orders")
                for index in range(burst):
                    order_id, data = _placed(f"burst-{index}@bench.test")
                    recorder.record(session, "order.placed", data, aggregate_id=order_id)
            began, began_at = time.perf_counter(), datetime.now(UTC)
            per_event = 3  # the buyer's e-mail, the seller's and the admins' in-app notices
            done = threading.Event()
            written_at: list[float] = []

            def watch() -> None:
                while not done.is_set():
                    if _written(engine) - before >= burst * per_event:
                        written_at.append(time.perf_counter())
                        return
                    time.sleep(0.05)

            watcher = threading.Thread(target=watch, daemon=True)
            watcher.start()
            harness.wait_for(lambda: len(_accepted(mail, "burst-")) >= burst, 600, 0.2,
                             "every burst e-mail")
            done.set()
            watcher.join(5)
            last = max(_accepted(mail, "burst-").values())
            sent_s = (last - began_at).total_seconds()
            written_s = (written_at[0] - began) if written_at else float("nan")
        engine.dispose()
        rows = [
            [f"order.placed committed → buyer's e-mail accepted by the SMTP sink p50 / p99 ms "
             f"({paced} events, one every {gap * 1000:.0f} ms)", _ms(lag)],
            [f"burst of {burst} order.placed: notices written/s (in-app and e-mail, "
             f"{per_event} per event)", f"{burst * per_event / written_s:.0f}"],
            [f"burst of {burst} order.placed: e-mails accepted by the sink/s",
             f"{burst / sent_s:.0f}"],
            [f"burst of {burst}: commit → last e-mail accepted, s", f"{sent_s:.1f}"],
        ]
        return (f"## Notifications: order.placed to e-mail\n\n{machine()} · PostgreSQL · one "
                "notifications process · sender poll 0.5 s\n\n" + table(["figure", "value"], rows)
                + f"\n\nReproduce: `{COMMAND}`")
    finally:
        mail.stop()
        system.stop()
        dbs.drop_all()
        vhost.delete().wait(60)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--paced", type=int, default=100)
    parser.add_argument("--gap", type=float, default=0.05)
    parser.add_argument("--burst", type=int, default=1000)
    args = parser.parse_args(argv)
    print(run(args.paced, args.gap, args.burst), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
