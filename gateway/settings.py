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
DEV_SECRET_KEY = common.DEV_GATEWAY_SECRET_KEY  # the refused default
DEFAULT_BIND = "127.0.0.1:8080"
MAX_BODY_BYTES = 1024 * 1024
MIB = 1024 * 1024
MEDIA_PURPOSES = ("product_image", "logo", "banner", "cover", "attachment", "document", "digital")


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
    # The edge cache of public catalog reads (gateway.catalog.cache); size 0 turns it off.
    catalog_cache_size: int = 20_000
    catalog_cache_max_age_seconds: float = 60.0
    catalog_listing_max_age_seconds: float = 5.0
    catalog_views_flush_seconds: float = 1.0
    # Uploads and media (gateway.media): where files live and what each purpose may weigh.
    media_storage: str = "local"  # local | s3
    media_dir: str = str(common.ROOT / "var" / "media")
    media_s3_bucket: str = "atelier-media"
    media_s3_endpoint_url: str | None = None  # None: AWS itself
    media_s3_region: str = "us-east-1"
    media_s3_access_key: str | None = None
    media_s3_secret_key: str | None = None
    media_s3_prefix: str = ""
    media_public_base_url: str | None = None  # e.g. a CDN in front of /media; None: this host
    media_signing_key: str | None = None  # None: derived from secret_key
    media_link_ttl_seconds: int = 3600
    media_cache_max_age_seconds: int = 31_536_000
    media_max_bytes: tuple[tuple[str, int], ...] = (
        ("product_image", 10 * MIB), ("logo", 10 * MIB), ("banner", 10 * MIB),
        ("cover", 10 * MIB), ("attachment", 10 * MIB), ("document", 25 * MIB),
        ("digital", 200 * MIB),
    )
    media_max_image_pixels: int = 50_000_000
    media_unreferenced_days: int = 7

    def media_limit(self, purpose: str) -> int:
        """The largest file (bytes) an upload for `purpose` may be."""
        return dict(self.media_max_bytes)[purpose]

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
            catalog_cache_size=e.int("GATEWAY_CATALOG_CACHE_SIZE", 20_000),
            catalog_cache_max_age_seconds=e.float("GATEWAY_CATALOG_CACHE_MAX_AGE_SECONDS", 60.0),
            catalog_listing_max_age_seconds=e.float("GATEWAY_CATALOG_LISTING_MAX_AGE_SECONDS",
                                                    5.0),
            catalog_views_flush_seconds=e.float("GATEWAY_CATALOG_VIEWS_FLUSH_SECONDS", 1.0),
            media_storage=e.str("MEDIA_STORAGE", "local"),
            media_dir=e.str("MEDIA_DIR", str(common.ROOT / "var" / "media")),
            media_s3_bucket=e.str("MEDIA_S3_BUCKET", "atelier-media"),
            media_s3_endpoint_url=e.str("MEDIA_S3_ENDPOINT_URL", None),
            media_s3_region=e.str("MEDIA_S3_REGION", "us-east-1"),
            media_s3_access_key=e.str("MEDIA_S3_ACCESS_KEY", None),
            media_s3_secret_key=e.str("MEDIA_S3_SECRET_KEY", None),
            media_s3_prefix=e.str("MEDIA_S3_PREFIX", ""),
            media_public_base_url=e.str("MEDIA_PUBLIC_BASE_URL", None),
            media_signing_key=e.str("MEDIA_SIGNING_KEY", None),
            media_link_ttl_seconds=e.int("MEDIA_LINK_TTL_SECONDS", 3600),
            media_cache_max_age_seconds=e.int("MEDIA_CACHE_MAX_AGE_SECONDS", 31_536_000),
            media_max_bytes=tuple(
                (purpose, e.int(f"MEDIA_MAX_{purpose.upper()}_BYTES", default))
                for purpose, default in cls.media_max_bytes),
            media_max_image_pixels=e.int("MEDIA_MAX_IMAGE_PIXELS", 50_000_000),
            media_unreferenced_days=e.int("MEDIA_UNREFERENCED_DAYS", 7),
        )

    def check(self) -> None:
        """Raise `InsecureConfiguration` for a production gateway left with a weak secret, and
        `UnsafeInProduction` for one with a test hook set (a clock file, failpoints)."""
        if self.media_storage not in ("local", "s3"):
            raise ValueError(f"MEDIA_STORAGE must be local or s3, not {self.media_storage!r}")
        unknown = {purpose for purpose, _ in self.media_max_bytes} ^ set(MEDIA_PURPOSES)
        if unknown:
            raise ValueError(f"media size limits must name each purpose once: {sorted(unknown)}")
        if self.environment == "production":
            common.refuse_test_hooks_in_production(self.environment)
        if self.environment == "production" and (
            self.secret_key == DEV_SECRET_KEY or len(self.secret_key) < 32
        ):
            raise InsecureConfiguration(
                "GATEWAY_SECRET_KEY must be set to a random value of at least 32 characters "
                "when ATELIER_ENV=production"
            )
