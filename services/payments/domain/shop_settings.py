"""A shop's payment settings: what a seller may enter and when online payment may be on.

- `account_id` and `secret_key` are pasted from the provider's cabinet, where stray spaces are the
  usual mistake (seed 003): outer spaces are trimmed, a space inside is refused (422).
- `enabled: true` needs a plan that allows online payment (only Pro, seed 003) and the shop's legal
  details (`legal.form`, `tax_id`, `name`) set; otherwise 409 naming what is missing. Switching off
  is always allowed.
- `timing`: `after_confirmation` (seed 000, the default) or `at_checkout` (seed 003: the buyer pays
  right after checkout, from `placed`).
"""

from __future__ import annotations

from typing import Any

from .errors import InvalidSettings, OnlinePaymentRefused
from .plans import Plan

PROVIDERS = ("sandbox", "yookassa", "paypal")
TIMINGS = ("after_confirmation", "at_checkout")
DEFAULT_TIMING = "after_confirmation"
LEGAL_FORMS = ("self_employed", "sole_trader", "company")


def clean_credential(value: str) -> str | None:
    """The value with outer spaces trimmed, or None when it is empty or has a space inside."""
    trimmed = value.strip()
    if not trimmed or any(ch.isspace() for ch in trimmed):
        return None
    return trimmed


def clean_credentials(account_id: str, secret_key: str) -> tuple[str, str]:
    errors = {}
    cleaned = {}
    for name, value in (("account_id", account_id), ("secret_key", secret_key)):
        clean = clean_credential(value)
        if clean is None:
            errors[name] = ["Enter it without spaces inside (spaces around it are trimmed)."]
        cleaned[name] = clean
    if errors:
        raise InvalidSettings("The payment settings have invalid fields.", errors=errors)
    return cleaned["account_id"], cleaned["secret_key"]


def legal_complete(legal: dict[str, Any] | None) -> bool:
    legal = legal or {}
    return (legal.get("form") in LEGAL_FORMS and bool(str(legal.get("tax_id") or "").strip())
            and bool(str(legal.get("name") or "").strip()))


def check_can_enable(plan: Plan, legal: dict[str, Any] | None) -> None:
    """Refuse (409) switching online payment on, naming every reason."""
    reasons = []
    if not plan.online_payment:
        reasons.append(f"the shop's plan `{plan.name}` does not include online payment "
                       "(switch to a plan that does, such as Pro)")
    if not legal_complete(legal):
        reasons.append("the shop's legal details (form, tax id and legal name) are not set")
    if reasons:
        raise OnlinePaymentRefused("Online payment cannot be switched on: " + "; ".join(reasons)
                                   + ".", errors={"reasons": reasons})
