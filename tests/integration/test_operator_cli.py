"""The operator's view of the event flow: `atelier events tail`."""

from __future__ import annotations

import json
import os
import subprocess
import threading

import pytest
from sqlalchemy import text

from services.common.db import make_engine
from services.common.settings import ROOT
from tests.integration.kernel import probe_databases
from tests.support.harness import BIN, Databases, wait_for

pytestmark = pytest.mark.integration


def test_events_tail_prints_each_matching_event_as_it_is_published(processes, amqp_uri, tmp_path):
    dbs = probe_databases(Databases("sqlite", tmp_path))
    tail = subprocess.Popen(
        [str(BIN / "atelier"), "events", "tail", "--type", "probe.*"],
        env={**os.environ, "AMQP_URI": amqp_uri}, cwd=ROOT, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True,
    )
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(iter(tail.stdout.readline, "")),
                              daemon=True)
    reader.start()
    try:
        wait_for(lambda: any(line.startswith("# tailing") for line in lines),
                 message="the tail to subscribe")
        note_ids = dbs.record_directly(["first", "second"])
        processes.relay(["probe_producer"], dbs.env)
        wait_for(lambda: len([x for x in lines if x.startswith("probe.")]) == 2,
                 message="both events to be printed")
    finally:
        tail.terminate()
        tail.wait(10)

    printed = [line.split(" ", 2) for line in lines if line.startswith("probe.")]
    assert [p[0] for p in printed] == ["probe.note_recorded"] * 2
    assert [json.loads(p[2])["note_id"] for p in printed] == note_ids


def test_seed_fills_the_catalog_once_per_seed(databases):
    url = databases.url("catalog")  # on PostgreSQL the rows go in by COPY

    first = subprocess.run([str(BIN / "atelier"), "seed", "--products", "120", "--database-url", url],
                           cwd=ROOT, capture_output=True, text=True, timeout=120)
    again = subprocess.run([str(BIN / "atelier"), "seed", "--products", "120", "--database-url", url],
                           cwd=ROOT, capture_output=True, text=True, timeout=120)

    assert first.returncode == 0, first.stderr
    assert "products=120" in first.stdout
    engine = make_engine(url, pool_size=1)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM products")).scalar_one() == 120
    engine.dispose()
    assert again.returncode == 1 and "already in this database" in again.stderr
