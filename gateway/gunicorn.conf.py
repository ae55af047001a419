"""gunicorn settings for the gateway:

    gunicorn -c gateway/gunicorn.conf.py "gateway.app:create_app()"

Environment: `GATEWAY_BIND` (default 127.0.0.1:8080), `GATEWAY_WORKERS` (default 2, one per core),
`GATEWAY_THREADS` (default 8: a thread waiting on a service's answer costs no CPU),
`PROMETHEUS_MULTIPROC_DIR` (default: a fresh temporary directory, emptied at start).
"""

import os
import shutil
import tempfile

from gunicorn.glogging import Logger

bind = os.environ.get("GATEWAY_BIND", "127.0.0.1:8080")
workers = int(os.environ.get("GATEWAY_WORKERS", "2"))
worker_class = "gthread"
threads = int(os.environ.get("GATEWAY_THREADS", "8"))
timeout = 30
graceful_timeout = 10
keepalive = 5
# Long query strings reach the app, which answers them with a problem+json (422) rather than
# gunicorn's HTML 414; the proxy in front of the gateway bounds what a client may send.
limit_request_line = 0
control_socket_disable = True  # several gateways may run on one machine (tests, bench)
accesslog = None  # the app writes one JSON line per request (gateway.access)


class AppAccessLog(Logger):
    """gunicorn's logger without its access line: with `logconfig_dict` set, gunicorn would build
    every request's access-log fields for a logger nobody reads."""

    def access(self, resp, req, environ, request_time):
        return


logger_class = AppAccessLog
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        }
    },
    "handlers": {
        "error_console": {"class": "logging.StreamHandler", "formatter": "json",
                          "stream": "ext://sys.stderr"}
    },
    "root": {"level": "WARNING", "handlers": ["error_console"]},
    "loggers": {
        "gunicorn.error": {"level": loglevel.upper(), "handlers": ["error_console"],
                           "propagate": False},
    },
}

_metrics_dir = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
if not _metrics_dir:
    _metrics_dir = tempfile.mkdtemp(prefix="atelier-gateway-metrics-")
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = _metrics_dir


def on_starting(server):
    # Files left by an earlier run would be counted again.
    for entry in os.listdir(_metrics_dir):
        path = os.path.join(_metrics_dir, entry)
        if os.path.isfile(path):
            os.remove(path)


def child_exit(server, worker):
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def on_exit(server):
    if _metrics_dir.startswith(tempfile.gettempdir()) and "atelier-gateway-metrics-" in _metrics_dir:
        shutil.rmtree(_metrics_dir, ignore_errors=True)
