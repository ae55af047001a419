"""Real parts for tests: a RabbitMQ virtual host per test, fresh databases, and services started as
separate processes exactly as `make run` starts them (`nameko run --config deploy/nameko.yaml ...`).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import uuid
from pathlib import Path

import pika
import psycopg2
import psycopg2.extensions
from nameko.standalone.rpc import ClusterRpcProxy

from services.common.settings import QUIET_EVENTLET_WARNINGS, ROOT

from .infra import AMQP_ADMIN_URI, PG_ADMIN_DSN
from .waiting import wait_for

BIN = Path(sys.executable).parent
NAMEKO_CONFIG = ROOT / "deploy" / "nameko.yaml"
RUN_ID = uuid.uuid4().hex[:8]


# -- broker ----------------------------------------------------------------------------------------
def rabbitmqctl(*args: str, attempts_for: float = 20.0) -> None:
    """Run `rabbitmqctl -q ARGS`; under load a command may fail transiently (a vhost just added
    not yet seen by the next command), so it is tried again until `attempts_for` seconds pass."""

    def run() -> bool:
        done = subprocess.run(["rabbitmqctl", "-q", *args], capture_output=True, text=True,
                              timeout=60)
        if done.returncode != 0:
            raise RuntimeError(f"rabbitmqctl {' '.join(args)} exited {done.returncode}: "
                               f"{(done.stderr or done.stdout).strip()}")
        return True

    wait_for(run, timeout=attempts_for, interval=0.5, message=f"rabbitmqctl {' '.join(args)}")


class VirtualHost:
    """A RabbitMQ virtual host of our own: nothing we declare meets anyone else's queues."""

    def __init__(self, name: str | None = None):
        self.name = name or f"atelier-test-{RUN_ID}-{uuid.uuid4().hex[:6]}"
        base = AMQP_ADMIN_URI.rstrip("/")
        self.uri = f"{base}/{self.name}"

    def create(self) -> VirtualHost:
        rabbitmqctl("add_vhost", self.name)
        rabbitmqctl("set_permissions", "-p", self.name, "guest", ".*", ".*", ".*")
        return self

    def delete(self) -> subprocess.Popen:
        """Start deleting the vhost; the caller may wait for the returned process."""
        return subprocess.Popen(["rabbitmqctl", "-q", "delete_vhost", self.name],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def restart_broker() -> None:
    """Stop and start the RabbitMQ application: every connection drops, durable state survives."""
    rabbitmqctl("stop_app")
    rabbitmqctl("start_app")
    rabbitmqctl("await_startup")


# -- databases ---------------------------------------------------------------------------------------
class Databases:
    """Fresh databases on one backend; dropped (PostgreSQL) or left in tmp (SQLite) afterwards."""

    def __init__(self, backend: str, tmp: Path):
        self.backend = backend
        self.tmp = tmp
        self.created: list[str] = []

    def url(self, name: str) -> str:
        if self.backend == "sqlite":
            return f"sqlite:///{self.tmp / f'{name}.db'}"
        database = f"atelier_{RUN_ID}_{name}_{uuid.uuid4().hex[:6]}"
        with _pg_admin() as conn, conn.cursor() as cur:
            cur.execute(f'CREATE DATABASE "{database}"')
        self.created.append(database)
        base = PG_ADMIN_DSN.rsplit("/", 1)[0]
        return f"{base}/{database}"

    def drop_all(self) -> None:
        for database in self.created:
            with _pg_admin() as conn, conn.cursor() as cur:
                cur.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        self.created.clear()


class _pg_admin:  # noqa: N801 - used as a context manager
    def __enter__(self):
        self.conn = psycopg2.connect(PG_ADMIN_DSN)
        self.conn.set_isolation_level(psycopg2.extensions.ISOLATION_LEVEL_AUTOCOMMIT)
        return self.conn

    def __exit__(self, *exc):
        self.conn.close()


# -- processes ---------------------------------------------------------------------------------------
class Process:
    """A child process whose output goes to a log file that tests can read."""

    def __init__(self, name: str, cmd: list[str], env: dict[str, str], log_dir: Path):
        self.name = name
        self.cmd = cmd
        self.env = {**os.environ, "PYTHONUNBUFFERED": "1", "PYTHONPATH": str(ROOT),
                    "PYTHONWARNINGS": QUIET_EVENTLET_WARNINGS, **env}
        self.log_path = log_dir / f"{name}-{uuid.uuid4().hex[:6]}.log"
        self.proc: subprocess.Popen | None = None

    def start(self) -> Process:
        log = open(self.log_path, "ab")  # noqa: SIM115 - the child keeps it open
        self.proc = subprocess.Popen(self.cmd, env=self.env, cwd=ROOT, stdout=log,
                                     stderr=subprocess.STDOUT, start_new_session=True)
        log.close()
        return self

    @property
    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def logs(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def stop(self, timeout: float = 15) -> None:
        if not self.running:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()

    def kill(self) -> None:
        """As `kill -9` would: no cleanup."""
        if self.running:
            self.proc.kill()
            self.proc.wait(10)

    def wait_exit(self, timeout: float = 30) -> int:
        return self.proc.wait(timeout)


class ServiceProcess(Process):
    """A Nameko service started as production starts it."""

    def __init__(self, target: str, env: dict[str, str], log_dir: Path, amqp_uri: str):
        name = target.rsplit(".", 1)[-1].replace(":", "-")
        cmd = [str(BIN / "nameko"), "run", "--config", str(NAMEKO_CONFIG), target]
        # The payments service listens for provider notifications: on a port of its own per test.
        own = {"PAYMENTS_WEBHOOK_ADDRESS": f"127.0.0.1:{free_port()}"}
        super().__init__(name, cmd, {"AMQP_URI": amqp_uri, **own, **env}, log_dir)
        self.amqp_uri = amqp_uri

    def wait_healthy(self, service_name: str, timeout: float = 40) -> None:
        def healthy():
            if not self.running:
                raise AssertionError(f"{self.name} exited:\n{self.logs()[-3000:]}")
            with rpc_proxy(self.amqp_uri, timeout=2) as rpc:
                return getattr(rpc, service_name).health()["status"] == "ok"

        wait_for(healthy, timeout, interval=0.2, message=f"{service_name} to answer health")


def queue_state(amqp_uri: str, queue: str) -> tuple[int, int]:
    """(messages ready, consumers) of a queue, as the broker counts them now."""
    connection = pika.BlockingConnection(pika.URLParameters(amqp_uri))
    try:
        method = connection.channel().queue_declare(queue, passive=True).method
        return method.message_count, method.consumer_count
    finally:
        connection.close()


def rpc_proxy(amqp_uri: str, timeout: float = 10, context_data: dict | None = None
              ) -> ClusterRpcProxy:
    return ClusterRpcProxy({"AMQP_URI": amqp_uri}, timeout=timeout, context_data=context_data)


def relay_process(services: list[str], env: dict[str, str], log_dir: Path,
                  amqp_uri: str) -> Process:
    cmd = [str(BIN / "atelier"), "relay", *services]
    return Process("relay", cmd, {"AMQP_URI": amqp_uri, **env}, log_dir)


def atelier(*args: str, amqp_uri: str, timeout: float = 60) -> subprocess.CompletedProcess:
    """Run the operator CLI as an operator would."""
    env = {**os.environ, "AMQP_URI": amqp_uri}
    return subprocess.run([str(BIN / "atelier"), *args], env=env, cwd=ROOT, capture_output=True,
                          text=True, timeout=timeout)


# -- a running system ---------------------------------------------------------------------------------
class System:
    """Product services on a vhost and databases of their own, started as `make run` starts them.

        system.start("catalog")           # migrate a fresh database, start, wait for `health`
        system.relay("catalog", "orders") # publish their outboxes
        with system.rpc() as rpc: rpc.catalog.health()
    """

    def __init__(self, vhost: VirtualHost, databases: Databases, log_dir: Path):
        self.vhost = vhost
        self.databases = databases
        self.log_dir = log_dir
        self.urls: dict[str, str] = {}
        self.env: dict[str, str] = {}
        self.processes: list[Process] = []

    @property
    def amqp_uri(self) -> str:
        return self.vhost.uri

    def database_url(self, service: str) -> str:
        if service not in self.urls:
            from services.common import migrations

            url = self.databases.url(service)
            migrations.upgrade(service, url)
            self.urls[service] = url
            self.env[f"{service.upper()}_DATABASE_URL"] = url
        return self.urls[service]

    def start(self, service: str, env: dict[str, str] | None = None,
              wait: bool = True) -> ServiceProcess:
        self.database_url(service)
        proc = ServiceProcess(f"services.{service}.service", {**self.env, **(env or {})},
                              self.log_dir, self.amqp_uri).start()
        self.processes.append(proc)
        if wait:
            proc.wait_healthy(service)
        return proc

    def relay(self, *services: str, env: dict[str, str] | None = None) -> Process:
        for service in services:
            self.database_url(service)
        proc = relay_process(list(services), {**self.env, **(env or {})}, self.log_dir,
                             self.amqp_uri).start()
        self.processes.append(proc)
        return proc

    def rpc(self, timeout: float = 10) -> ClusterRpcProxy:
        return rpc_proxy(self.amqp_uri, timeout)

    def stop(self) -> None:
        """Ask every process to stop at once, then wait for each (a service takes 1-3 s)."""
        for proc in self.processes:
            if proc.running:
                proc.proc.send_signal(signal.SIGTERM)
        for proc in reversed(self.processes):
            proc.stop()
        self.processes.clear()


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class GatewayProcess(Process):
    """The gateway under gunicorn, as production runs it, on a free port."""

    def __init__(self, env: dict[str, str], log_dir: Path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        cmd = [str(BIN / "gunicorn"), "-c", "gateway/gunicorn.conf.py", "gateway.app:create_app()"]
        super().__init__("gateway", cmd, {
            "GATEWAY_BIND": f"127.0.0.1:{self.port}",
            "GATEWAY_SECRET_KEY": "test-secret-" + uuid.uuid4().hex,
            "PROMETHEUS_MULTIPROC_DIR": str(log_dir / f"metrics-{uuid.uuid4().hex[:6]}"),
            "ATELIER_ENV": "test",
            **env,
        }, log_dir)
        Path(self.env["PROMETHEUS_MULTIPROC_DIR"]).mkdir(parents=True, exist_ok=True)

    def api(self, path: str) -> str:
        return f"{self.url}/api/v1{path}"

    def wait_up(self, timeout: float = 30) -> None:
        import requests

        def up():
            if not self.running:
                raise AssertionError(f"gateway exited:\n{self.logs()[-3000:]}")
            return requests.get(f"{self.url}/health", timeout=2).status_code == 200

        wait_for(up, timeout, interval=0.1, message="the gateway to answer /health")


def _system_gateway(self: System, env: dict[str, str] | None = None) -> GatewayProcess:
    """Start the gateway in front of this system's services."""
    import gateway

    url = self.databases.url("gateway")
    gateway.migrations_upgrade(url)
    proc = GatewayProcess({"AMQP_URI": self.amqp_uri, "GATEWAY_DATABASE_URL": url,
                           **(env or {})}, self.log_dir).start()
    self.processes.append(proc)
    proc.wait_up()
    return proc


System.gateway = _system_gateway
