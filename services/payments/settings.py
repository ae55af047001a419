"""The payments service's settings, read from the environment when a worker sets itself up.

| variable | default | meaning |
| --- | --- | --- |
| `PAYMENTS_PLANS` | `basic:10:no,pro:5:yes` | plans: `name:commission percent:online payment allowed` |
| `PAYMENTS_DEFAULT_PLAN` | `basic` | the plan a shop starts on |
| `PAYMENTS_ENCRYPTION_KEY` | a development key | Fernet key for the shops' provider secrets; |
|  |  | required when `ATELIER_ENV=production` |
| `PAYMENTS_WEBHOOK_ADDRESS` | `127.0.0.1:8081` | where `POST /webhooks/{provider}` listens |
| `PAYMENTS_WEBHOOK_BASE_URL` | `http://<PAYMENTS_WEBHOOK_ADDRESS>` | the public address providers notify |
| `PAYMENTS_SANDBOX_URL` | `http://127.0.0.1:8090` | the sandbox provider |
| `PAYMENTS_YOOKASSA_URL` | `https://api.yookassa.ru/v3` | YooKassa's API |
| `PAYMENTS_PAYPAL_URL` | `https://api-m.paypal.com` | PayPal's REST API (`https://api-m.sandbox.paypal.com` |
|  |  | for PayPal's sandbox accounts) |
| `PAYMENTS_PROVIDER_TIMEOUT_SECONDS` | 10 | connect and read timeout of one call to a provider |
| `PAYMENTS_SIGNATURE_TOLERANCE_SECONDS` | 600 | how old a signed notification may be |
| `PAYMENTS_RECONCILE_SECONDS` | 60 | how often pending payments are looked for |
| `PAYMENTS_RECONCILE_AFTER_MINUTES` | 10 | a payment pending this long is asked of its provider |
| `PAYMENTS_DEBT_DUE_DAYS` | 14 | a commission is due this many days after it is recorded |
| `PAYMENTS_DEBT_CHECK_SECONDS` | 60 | how often debts past their due date are looked for |
| `PAYMENTS_REFUND_DUE_HOURS` | 24 | a paid order cancelled owes its refund this long after |
|  |  | the cancellation (seed 003: within a day), else `refund.overdue` |
| `PAYMENTS_REFUND_CHECK_SECONDS` | 60 | how often refunds owed past their due time are looked for |
| `PAYMENTS_PLATFORM_PROVIDER` | `sandbox` | the provider of the platform's own account, which |
|  |  | shops pay their debt to |
| `PAYMENTS_PLATFORM_ACCOUNT_ID` | `platform` | the platform's account at that provider |
| `PAYMENTS_PLATFORM_SECRET_KEY` | a development secret | its secret; required in production |
"""

from __future__ import annotations

from services.common import settings

from .domain.plans import DEFAULT_PLAN, DEFAULT_PLANS, Plan, parse_plans

# For development and tests only: refused in production (see `encryption_key`).
DEVELOPMENT_KEY = "ZGV2ZWxvcG1lbnQtb25seS1rZXktbm90LXNlY3JldCE="


def plans() -> dict[str, Plan]:
    return parse_plans(settings.env().str("PAYMENTS_PLANS", DEFAULT_PLANS))


def default_plan() -> str:
    name = settings.env().str("PAYMENTS_DEFAULT_PLAN", DEFAULT_PLAN)
    if name not in plans():
        raise ValueError(f"PAYMENTS_DEFAULT_PLAN {name!r} is not one of PAYMENTS_PLANS")
    return name


def encryption_key() -> str:
    key = settings.env().str("PAYMENTS_ENCRYPTION_KEY", "").strip()
    if key:
        return key
    if settings.env().str("ATELIER_ENV", "development") == "production":
        raise RuntimeError("set PAYMENTS_ENCRYPTION_KEY (a Fernet key) to run in production")
    return DEVELOPMENT_KEY


def webhook_address() -> str:
    return settings.env().str("PAYMENTS_WEBHOOK_ADDRESS", "127.0.0.1:8081")


def webhook_base_url() -> str:
    base = settings.env().str("PAYMENTS_WEBHOOK_BASE_URL", "").strip().rstrip("/")
    return base or f"http://{webhook_address()}"


def sandbox_url() -> str:
    return settings.env().str("PAYMENTS_SANDBOX_URL", "http://127.0.0.1:8090").rstrip("/")


def yookassa_url() -> str:
    return settings.env().str("PAYMENTS_YOOKASSA_URL", "https://api.yookassa.ru/v3").rstrip("/")


def paypal_url() -> str:
    return settings.env().str("PAYMENTS_PAYPAL_URL", "https://api-m.paypal.com").rstrip("/")


# Numbers, each read when asked for (`settings.reconcile_seconds()`).
provider_timeout_seconds = settings.positive("PAYMENTS_PROVIDER_TIMEOUT_SECONDS", 10.0)
signature_tolerance_seconds = settings.positive("PAYMENTS_SIGNATURE_TOLERANCE_SECONDS", 600.0)
reconcile_seconds = settings.positive("PAYMENTS_RECONCILE_SECONDS", 60.0)
reconcile_after_minutes = settings.not_negative("PAYMENTS_RECONCILE_AFTER_MINUTES", 10.0)
debt_due_days = settings.not_negative("PAYMENTS_DEBT_DUE_DAYS", 14.0)
debt_check_seconds = settings.positive("PAYMENTS_DEBT_CHECK_SECONDS", 60.0)
refund_due_hours = settings.not_negative("PAYMENTS_REFUND_DUE_HOURS", 24.0)
refund_check_seconds = settings.positive("PAYMENTS_REFUND_CHECK_SECONDS", 60.0)


def platform_provider() -> str:
    name = settings.env().str("PAYMENTS_PLATFORM_PROVIDER", "sandbox").strip()
    if name not in ("sandbox", "yookassa", "paypal"):
        raise ValueError(f"PAYMENTS_PLATFORM_PROVIDER {name!r} is not a provider")
    return name


def platform_account() -> tuple[str, str]:
    account_id = settings.env().str("PAYMENTS_PLATFORM_ACCOUNT_ID", "platform").strip()
    secret = settings.env().str("PAYMENTS_PLATFORM_SECRET_KEY", "").strip()
    if not secret:
        if settings.env().str("ATELIER_ENV", "development") == "production":
            raise RuntimeError("set PAYMENTS_PLATFORM_SECRET_KEY (the platform's provider "
                               "account) to run in production")
        secret = "platform-development-secret"
    return account_id, secret
