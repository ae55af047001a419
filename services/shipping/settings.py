"""The shipping service's settings, read from the environment when a worker sets itself up.

| variable | default | meaning |
| --- | --- | --- |
| `SHIPPING_TRACKING_POLL_SECONDS` | 300 | seconds between tracking polls (a fraction is fine) |
| `SHIPPING_TRACKING_BATCH` | 50 | shipments one poll takes at most |
| `SHIPPING_CDEK_CLIENT_ID`, `_CLIENT_SECRET` | unset | CDEK API v2 account; unset: CDEK is not polled |
| `SHIPPING_CDEK_URL` | `https://api.cdek.ru` | CDEK API v2 (test account: `https://api.edu.cdek.ru`) |
| `SHIPPING_RUSSIAN_POST_LOGIN`, `_PASSWORD` | unset | tracking API account; unset: not polled |
| `SHIPPING_RUSSIAN_POST_URL` | `https://tracking.russianpost.ru/rtm34` | single-item tracking, SOAP 1.2 |
| `SHIPPING_CARRIER_TIMEOUT_SECONDS` | 5 | connect and read timeout of one call to a carrier |
| `SHIPPING_DETAILS_DAYS` | 7 | days after confirmation within which the seller gives shipping details |
| `SHIPPING_OVERDUE_CHECK_SECONDS` | 300 | how often the shipping-overdue job looks for late orders |
"""

from __future__ import annotations

from dataclasses import dataclass, field

from marshmallow.validate import Range

from services.common import settings

CDEK_URL = "https://api.cdek.ru"
RUSSIAN_POST_URL = "https://tracking.russianpost.ru/rtm34"


@dataclass(frozen=True, slots=True)
class CarrierAccount:
    """Where a carrier's tracking API is and the credentials it expects: client id and secret for
    CDEK, login and password for Russian Post. The secret stays out of logs and reprs."""

    url: str
    user: str
    secret: str = field(repr=False)


# Numbers of seconds, each read when asked for (`settings.tracking_poll_seconds()`).
tracking_poll_seconds = settings.positive("SHIPPING_TRACKING_POLL_SECONDS", 300.0)
carrier_timeout_seconds = settings.positive("SHIPPING_CARRIER_TIMEOUT_SECONDS", 5.0)
overdue_check_seconds = settings.positive("SHIPPING_OVERDUE_CHECK_SECONDS", 300.0)


def tracking_batch() -> int:
    return max(settings.env().int("SHIPPING_TRACKING_BATCH", 50), 1)


def cdek_account() -> CarrierAccount | None:
    """CDEK's API v2 account, or None when no client id and secret are set (CDEK is not polled)."""
    return _account("SHIPPING_CDEK", CDEK_URL, "CLIENT_ID", "CLIENT_SECRET")


def russian_post_account() -> CarrierAccount | None:
    """Russian Post's tracking account, or None when no login and password are set (not polled)."""
    return _account("SHIPPING_RUSSIAN_POST", RUSSIAN_POST_URL, "LOGIN", "PASSWORD")


def _account(prefix: str, default_url: str, user_name: str, secret_name: str) -> CarrierAccount | None:
    """Both credentials or neither; a URL without credentials is a mistake, not "no polling"."""
    read = settings.env().str
    url = read(f"{prefix}_URL", "").strip().rstrip("/")
    user = read(f"{prefix}_{user_name}", "").strip()
    secret = read(f"{prefix}_{secret_name}", "")  # kept as given: a password may have spaces
    if not secret.strip():
        secret = ""
    if not user and not secret:
        if url:
            raise ValueError(
                f"{prefix}_URL is set but {prefix}_{user_name} and {prefix}_{secret_name} are not"
            )
        return None
    if not user or not secret:
        raise ValueError(f"set both {prefix}_{user_name} and {prefix}_{secret_name}, or neither")
    return CarrierAccount(url=url or default_url, user=user, secret=secret)


def shipping_details_days() -> int:
    return settings.env().int("SHIPPING_DETAILS_DAYS", 7, validate=Range(min=1))
