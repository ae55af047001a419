"""Settings read from the environment, in one place.

Nothing here connects to anything: callers read a value when they set themselves up.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path

from environs import Env
from marshmallow.validate import Range

SERVICES = ("catalog", "orders", "shipping", "payments", "notifications", "moderation")
# The databases with an outbox the relay publishes: every service's, and the gateway's (identity
# announces new accounts).
OUTBOXES = (*SERVICES, "gateway")
ROOT = Path(__file__).resolve().parents[2]
DEFAULT_AMQP_URI = "amqp://guest:guest@127.0.0.1:5672/"
EVENTS_EXCHANGE = "atelier.events"
# The gateway's secret key when none is set (refused in production); media links derive theirs
# from it when `MEDIA_SIGNING_KEY` is unset (`signed_links`).
DEV_GATEWAY_SECRET_KEY = "atelier-dev-secret-not-for-production"  # noqa: S105


@functools.cache
def env() -> Env:
    """The environment, with `.env` at the root read once per process (it never overrides a
    variable already set). Values are read from `os.environ` each time one is asked for."""
    e = Env()
    e.read_env(str(ROOT / ".env"), recurse=False)
    return e


def positive(name: str, default: float) -> Callable[[], float]:
    """A reader of a number setting above zero (an interval, a timeout), declared once and read
    from the environment at each call: `reconcile_seconds = positive("X_RECONCILE_SECONDS", 60.0)`.
    Anything else stops the process that reads it."""
    return lambda: env().float(name, default, validate=Range(min=0, min_inclusive=False))


def not_negative(name: str, default: float) -> Callable[[], float]:
    """A reader of a number setting of zero or more (a delay, a due time), as `positive`."""
    return lambda: env().float(name, default, validate=Range(min=0))


class UnsafeInProduction(RuntimeError):
    """A setting meant for tests found in a production process."""


TEST_HOOKS = ("ATELIER_CLOCK_FILE", "ATELIER_FAILPOINTS")


def refuse_test_hooks_in_production(environment: str | None = None) -> None:
    """With `ATELIER_ENV=production`, a process refuses to start while a test hook is set: the
    clock file moves every deadline, failpoints kill processes on purpose."""
    if (environment or env().str("ATELIER_ENV", "development")) != "production":
        return
    found = [name for name in TEST_HOOKS if env().str(name, "")]
    if found:
        raise UnsafeInProduction(
            f"{' and '.join(found)} {'is' if len(found) == 1 else 'are'} for tests only and "
            "refused when ATELIER_ENV=production: unset "
            f"{'it' if len(found) == 1 else 'them'} to start.")


def amqp_uri() -> str:
    return env().str("AMQP_URI", DEFAULT_AMQP_URI)


def database_url(name: str) -> str:
    """`<NAME>_DATABASE_URL`, defaulting to a SQLite file under `var/`."""
    default = f"sqlite:///{ROOT / 'var' / f'{name}.db'}"
    return env().str(f"{name.upper()}_DATABASE_URL", default)


def event_max_attempts() -> int:
    """How many times a consumer tries an event before it goes to the dead-letter queue."""
    return env().int("EVENT_MAX_ATTEMPTS", 5)


def event_batch_max() -> int:
    """Most events a consumer handles in one transaction (those already delivered and waiting)."""
    return max(env().int("EVENT_BATCH_MAX", 50), 1)


def event_handler_workers() -> int:
    """Batches of one event handler in progress at once in a service process; deliveries that come
    meanwhile wait and form the next batch."""
    return max(env().int("EVENT_HANDLER_WORKERS", 4), 1)


def event_park_seconds() -> float:
    """How long an event that came before the one it depends on is kept and tried again
    (`EVENT_PARK_HOURS`, 24): as long as another service's outage may last."""
    return env().float("EVENT_PARK_HOURS", 24.0) * 3600


def event_retry_backoff_ms() -> int:
    """Delay before the first retry; it doubles on each further attempt, capped at a minute."""
    return env().int("EVENT_RETRY_BACKOFF_MS", 1000)


# Eventlet warns on import that it is in maintenance mode; Nameko 2 runs on it, so say it once in the
# docs rather than in every process's log. Child processes get this as PYTHONWARNINGS.
QUIET_EVENTLET_WARNINGS = ",".join(
    f"ignore::Warning:nameko.{module}" for module in ("cli.commands", "extensions", "containers")
)
