"""The gateway's settings, read from the environment once, when the app is made.

Nothing here connects to anything. `GatewaySettings.from_env()` is what `create_app()` uses; tests
build one directly or override fields.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from services.common import settings as common

GATEWAY_DIR = Path(__file__).resolve().parent
MIGRATIONS_DIR = GATEWAY_DIR / "migrations"
DEV_SECRET_KEY = "atelier-dev-secret-not-for-production"  # noqa: S105 - the refused default
DEFAULT_BIND = "127.0.0.1:8080"
MAX_BODY_BYTES = 1024 * 1024


class InsecureConfiguration(RuntimeError):
    """Refuses to start a production gateway with a development secret."""


@dataclass(frozen=True)
class GatewaySettings:
    environment: str = "development"
    database_url: str = field(default_factory=lambda: common.database_url("gateway"))
    amqp_uri: str = common.DEFAULT_AMQP_URI
    secret_key: str = DEV_SECRET_KEY
    token_ttl_seconds: int = 3600
    rpc_timeout_seconds: float = 5.0
    ready_timeout_seconds: float = 1.0
    login_max_failures: int = 5
    login_window_seconds: int = 900
    login_lockout_seconds: int = 900
    services: tuple[str, ...] = common.SERVICES
    retry_after_seconds: int = 5

    @classmethod
    def from_env(cls) -> GatewaySettings:
        e = common.env()
        return cls(
            environment=e.str("ATELIER_ENV", "development"),
            database_url=common.database_url("gateway"),
            amqp_uri=common.amqp_uri(),
            secret_key=e.str("GATEWAY_SECRET_KEY", DEV_SECRET_KEY),
            token_ttl_seconds=e.int("GATEWAY_TOKEN_TTL_SECONDS", 3600),
            rpc_timeout_seconds=e.float("GATEWAY_RPC_TIMEOUT_SECONDS", 5.0),
            ready_timeout_seconds=e.float("GATEWAY_READY_TIMEOUT_SECONDS", 1.0),
            login_max_failures=e.int("GATEWAY_LOGIN_MAX_FAILURES", 5),
            login_window_seconds=e.int("GATEWAY_LOGIN_WINDOW_SECONDS", 900),
            login_lockout_seconds=e.int("GATEWAY_LOGIN_LOCKOUT_SECONDS", 900),
        )

    def check(self) -> None:
        """Raise `InsecureConfiguration` for a production gateway left with a weak secret, and
        `UnsafeInProduction` for one with a test hook set (a clock file, failpoints)."""
        if self.environment == "production":
            common.refuse_test_hooks_in_production(self.environment)
        if self.environment == "production" and (
            self.secret_key == DEV_SECRET_KEY or len(self.secret_key) < 32
        ):
            raise InsecureConfiguration(
                "GATEWAY_SECRET_KEY must be set to a random value of at least 32 characters "
                "when ATELIER_ENV=production"
            )
