"""Check that RabbitMQ and PostgreSQL answer on this machine; start them when they are installed.

`python -m tests.support.infra` is the first step of `make test`: it waits for both and fails with a
clear message when one cannot be had.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import sys

import psycopg2

from atelier import broker

from .waiting import wait_for

AMQP_ADMIN_URI = os.environ.get("ATELIER_TEST_BROKER", "amqp://guest:guest@127.0.0.1:5672/")
PG_ADMIN_DSN = os.environ.get(
    "ATELIER_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres"
)


def postgres_reachable() -> bool:
    try:
        psycopg2.connect(PG_ADMIN_DSN, connect_timeout=3).close()
    except psycopg2.OperationalError:
        return False
    return True


def ensure_postgres(wait_seconds: float = 60) -> None:
    if postgres_reachable():
        return
    clusters = glob.glob("/etc/postgresql/*/main")
    if shutil.which("pg_ctlcluster") and clusters:
        version = clusters[0].split("/")[3]
        print(f"starting PostgreSQL {version} ...", flush=True)
        subprocess.run(
            ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "start"], check=False
        )
    try:
        wait_for(postgres_reachable, wait_seconds, interval=1, message="PostgreSQL")
    except AssertionError:
        raise SystemExit(
        f"PostgreSQL does not answer at {PG_ADMIN_DSN}. Install and start it "
        "(Debian: apt-get install postgresql; pg_ctlcluster <version> main start), "
        "or set ATELIER_TEST_POSTGRES to a server where the user may create databases."
        ) from None


def ensure_rabbitmq_control() -> None:
    if not shutil.which("rabbitmqctl"):
        raise SystemExit(
            "The tests give each test its own RabbitMQ virtual host and need `rabbitmqctl` on this "
            "machine for that (Debian: apt-get install rabbitmq-server)."
        )


def main() -> None:
    broker.ensure(AMQP_ADMIN_URI)
    ensure_rabbitmq_control()
    ensure_postgres()
    print("RabbitMQ and PostgreSQL answer", flush=True)


if __name__ == "__main__":
    sys.exit(main())
