"""The orders service's settings, read from the environment in one place (nothing at import)."""

from __future__ import annotations

from services.common import settings

from .domain import Deadlines


def deadline_poll_seconds() -> float:
    """How often the deadline timer looks for due orders (`ORDERS_DEADLINE_POLL_SECONDS`)."""
    return settings.env().float("ORDERS_DEADLINE_POLL_SECONDS", 30.0)


def checkout_stale_seconds() -> float:
    """Age at which a checkout still reserving stock is taken for dead and its stock released.

    Longer than any live checkout takes (the RPC timeouts below bound it), so recovery never
    races a checkout still running in another replica.
    """
    return settings.env().float("ORDERS_CHECKOUT_STALE_SECONDS", 120.0)


def rpc_timeout_seconds() -> float:
    """How long a call to the catalog or shipping may take before the checkout gives up."""
    return settings.env().float("ORDERS_RPC_TIMEOUT_SECONDS", 20.0)


def deadlines() -> Deadlines:
    """The platform's deadlines (DESIGN.md "Messaging rules"); each shop may set `confirm_days`."""
    env = settings.env()
    return Deadlines(
        confirm_hours=env.int("ORDERS_CONFIRM_HOURS", 72),
        confirm_days=env.int("ORDERS_BUYER_CONFIRM_DAYS", 3),
        auto_close_days=env.int("ORDERS_AUTO_CLOSE_DAYS", 14),
    )
