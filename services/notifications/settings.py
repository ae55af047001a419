"""The notifications service's settings, read from the environment when a worker sets itself up.

| variable | default | meaning |
| --- | --- | --- |
| `NOTIFICATIONS_SMTP_HOST`, `_SMTP_PORT` | `127.0.0.1`, `1025` | the SMTP server e-mail goes to (locally, the sink) |
| `NOTIFICATIONS_SMTP_USER`, `_SMTP_PASSWORD` | unset | SMTP login, when the server wants one |
| `NOTIFICATIONS_SMTP_STARTTLS` | false | say STARTTLS before sending |
| `NOTIFICATIONS_MAIL_FROM` | `Atelier <no-reply@atelier.local>` | the sender of every e-mail |
| `NOTIFICATIONS_SMS_URL` | `http://127.0.0.1:8026/api` | the SMS gateway (`POST <url>/send {to, text}`, see `atelier.sinks`) |
| `NOTIFICATIONS_SMS_KEY` | unset | sent as `Authorization: Bearer <key>` |
| `NOTIFICATIONS_TELEGRAM_URL` | `http://127.0.0.1:8027` | the Bot API (production: `https://api.telegram.org`) |
| `NOTIFICATIONS_TELEGRAM_TOKEN` | `dev-token` | the bot's token |
| `NOTIFICATIONS_CHANNEL_TIMEOUT_SECONDS` | 5 | connect and read timeout of one call to a channel |
| `NOTIFICATIONS_SEND_POLL_SECONDS` | 0.5 | how often the sender looks for deliveries due |
| `NOTIFICATIONS_SEND_BATCH` | 200 | deliveries one sender run claims at most |
| `NOTIFICATIONS_SEND_LEASE_SECONDS` | 120 | how long a claimed delivery is left to its sender before another may take it |
| `NOTIFICATIONS_RETRY_BASE_SECONDS` | 5 | delay before the first retry of a failed delivery; doubles each time |
| `NOTIFICATIONS_RETRY_CAP_SECONDS` | 1800 | the longest delay between retries |
| `NOTIFICATIONS_MAX_ATTEMPTS` | 10 | attempts before a delivery is marked dead (with its last error) |
| `NOTIFICATIONS_CONTACT_WAIT_SECONDS` | 0 | how long an event naming a user not known yet waits for `user.registered` (0: it goes without) |
| `NOTIFICATIONS_APP_URL` | `http://127.0.0.1:8080` | the client app: links in messages |
| `NOTIFICATIONS_ORDER_PATH` | `/api/v1/orders/{order_id}` | an order, for its buyer and its seller |
| `NOTIFICATIONS_GUEST_ORDER_PATH` | `/api/v1/orders/{order_id}?access={access}` | a guest's order link |
| `NOTIFICATIONS_MEDIA_URL` | `NOTIFICATIONS_APP_URL` | where the gateway serves private files (`/media/private/{id}`): photos in e-mail |
| `NOTIFICATIONS_MEDIA_LINK_TTL_SECONDS` | 604800 (7 days) | how long a signed link to a photo in an e-mail stays valid |
| `MEDIA_SIGNING_KEY` (else derived from `GATEWAY_SECRET_KEY`) | the gateway's | the key signed links are made with: the gateway's and this service's must be the same |
"""  # noqa: E501 - a table

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from services.common import settings, signed_links


def _read():
    return settings.env()


@dataclass(frozen=True, slots=True)
class Smtp:
    host: str
    port: int
    sender: str
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    starttls: bool = False


def smtp() -> Smtp:
    e = _read()
    return Smtp(host=e.str("NOTIFICATIONS_SMTP_HOST", "127.0.0.1"),
                port=e.int("NOTIFICATIONS_SMTP_PORT", 1025),
                sender=e.str("NOTIFICATIONS_MAIL_FROM", "Atelier <no-reply@atelier.local>"),
                user=e.str("NOTIFICATIONS_SMTP_USER", "") or None,
                password=e.str("NOTIFICATIONS_SMTP_PASSWORD", "") or None,
                starttls=e.bool("NOTIFICATIONS_SMTP_STARTTLS", False))


def sms_url() -> str:
    return _read().str("NOTIFICATIONS_SMS_URL", "http://127.0.0.1:8026/api").rstrip("/")


def sms_key() -> str | None:
    return _read().str("NOTIFICATIONS_SMS_KEY", "") or None


def telegram_url() -> str:
    return _read().str("NOTIFICATIONS_TELEGRAM_URL", "http://127.0.0.1:8027").rstrip("/")


def telegram_token() -> str:
    return _read().str("NOTIFICATIONS_TELEGRAM_TOKEN", "dev-token")


def channel_timeout() -> float:
    return _read().float("NOTIFICATIONS_CHANNEL_TIMEOUT_SECONDS", 5.0)


def send_poll_seconds() -> float:
    return max(_read().float("NOTIFICATIONS_SEND_POLL_SECONDS", 0.5), 0.01)


def send_batch() -> int:
    return max(_read().int("NOTIFICATIONS_SEND_BATCH", 200), 1)


def send_lease() -> timedelta:
    return timedelta(seconds=_read().float("NOTIFICATIONS_SEND_LEASE_SECONDS", 120.0))


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    base_seconds: float = 5.0
    cap_seconds: float = 1800.0
    max_attempts: int = 10


def retry_policy() -> RetryPolicy:
    e = _read()
    return RetryPolicy(base_seconds=e.float("NOTIFICATIONS_RETRY_BASE_SECONDS", 5.0),
                       cap_seconds=e.float("NOTIFICATIONS_RETRY_CAP_SECONDS", 1800.0),
                       max_attempts=max(e.int("NOTIFICATIONS_MAX_ATTEMPTS", 10), 1))


def contact_wait() -> timedelta:
    return timedelta(seconds=_read().float("NOTIFICATIONS_CONTACT_WAIT_SECONDS", 0.0))


ORDER_PATH = "/api/v1/orders/{order_id}"
GUEST_ORDER_PATH = "/api/v1/orders/{order_id}?access={access}"
SHOP_PATH = "/api/v1/shops/{shop_id}"
PRODUCT_PATH = "/api/v1/products/{product_id}"


@dataclass(frozen=True, slots=True)
class Links:
    app_url: str = "http://127.0.0.1:8080"
    order_path: str = ORDER_PATH
    guest_order_path: str = GUEST_ORDER_PATH
    shop_path: str = SHOP_PATH
    product_path: str = PRODUCT_PATH

    def order(self, order_id: str) -> str:
        return self.app_url + self.order_path.format(order_id=order_id)

    def guest_order(self, order_id: str, access: str) -> str:
        return self.app_url + self.guest_order_path.format(order_id=order_id, access=access)

    def shop(self, shop_id: str) -> str:
        return self.app_url + self.shop_path.format(shop_id=shop_id)

    def product(self, product_id: str) -> str:
        return self.app_url + self.product_path.format(product_id=product_id)


def links() -> Links:
    e = _read()
    return Links(app_url=e.str("NOTIFICATIONS_APP_URL", "http://127.0.0.1:8080").rstrip("/"),
                 order_path=e.str("NOTIFICATIONS_ORDER_PATH", ORDER_PATH),
                 guest_order_path=e.str("NOTIFICATIONS_GUEST_ORDER_PATH", GUEST_ORDER_PATH),
                 shop_path=e.str("NOTIFICATIONS_SHOP_PATH", SHOP_PATH),
                 product_path=e.str("NOTIFICATIONS_PRODUCT_PATH", PRODUCT_PATH))


@dataclass(frozen=True, slots=True)
class MediaLinks:
    """Signed links to private files (a balance request's photos) for e-mail: issued to the user
    who reads them, valid for `ttl`, checked by the gateway's private-file route."""

    key: bytes = field(repr=False)
    base_url: str
    ttl: timedelta

    def link(self, upload_id: str, user_id: str, now: datetime) -> str:
        expires = int(now.timestamp() + self.ttl.total_seconds())
        return signed_links.link(self.key, self.base_url, upload_id, user_id, expires)


def media_links() -> MediaLinks:
    e = _read()
    app_url = e.str("NOTIFICATIONS_APP_URL", "http://127.0.0.1:8080")
    return MediaLinks(key=signed_links.key_from_env(),
                      base_url=e.str("NOTIFICATIONS_MEDIA_URL", app_url).rstrip("/"),
                      ttl=timedelta(seconds=e.float("NOTIFICATIONS_MEDIA_LINK_TTL_SECONDS",
                                                    7 * 24 * 3600.0)))
