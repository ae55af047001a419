"""Making sure a RabbitMQ broker answers before anything starts."""

from __future__ import annotations

import shutil
import subprocess
import time

import pika
from pika.exceptions import AMQPError

HOW_TO_GET_ONE = """\
No RabbitMQ broker answers at {uri}.
Get one in either way, then run the command again:
  - Debian/Ubuntu:  sudo apt-get install rabbitmq-server && sudo rabbitmq-server -detached
  - Docker:         docker compose up -d rabbitmq
or point AMQP_URI at a broker you already run."""


def reachable(uri: str, timeout: float = 3.0) -> bool:
    params = pika.URLParameters(uri)
    params.socket_timeout = timeout
    params.blocked_connection_timeout = timeout
    params.connection_attempts = 1
    try:
        pika.BlockingConnection(params).close()
    except (AMQPError, OSError):
        return False
    return True


def is_local(uri: str) -> bool:
    return pika.URLParameters(uri).host in ("127.0.0.1", "localhost", "::1")


def ensure(uri: str, wait_seconds: float = 90.0, echo=print) -> None:
    """Return once the broker answers; start a local one if it is installed; else explain and exit."""
    if reachable(uri):
        return
    server = shutil.which("rabbitmq-server")
    if not (server and is_local(uri)):
        raise SystemExit(HOW_TO_GET_ONE.format(uri=uri))
    echo(f"starting RabbitMQ ({server} -detached) ...")
    subprocess.run([server, "-detached"], check=False)
    deadline = time.monotonic() + wait_seconds
    while time.monotonic() < deadline:
        if reachable(uri):
            echo("RabbitMQ is up")
            return
        time.sleep(1)
    raise SystemExit(f"RabbitMQ was started but did not answer at {uri} within {wait_seconds:.0f}s")
