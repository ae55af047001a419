"""One interface for every payment provider; an adapter per provider speaks its protocol.

    provider.create_payment(account, PaymentRequest(...))   -> Created(id, confirmation_url)
    provider.payment_status(account, provider_payment_id)   -> Outcome (pending / succeeded / failed)
    provider.refund(account, provider_payment_id, key, amount, currency) -> provider's refund id
    provider.payment_ref(body)                              -> the provider's payment id named by a
                                                               notification (BadNotification if none)
    provider.verify(account, headers, body)                 -> Outcome the notification proves
                                                               (BadNotification when forged)
A provider that cannot be reached, or refuses a well-formed call, raises ProviderError.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Protocol

import requests


@dataclass(frozen=True, slots=True)
class Account:
    """A shop's credentials at its provider. The secret stays out of reprs and logs."""

    account_id: str
    secret: str = field(repr=False)


@dataclass(frozen=True, slots=True)
class PaymentRequest:
    key: str                 # idempotence key: our payment id (a retried create makes one payment)
    amount: int              # minor units
    currency: str
    description: str
    return_url: str
    notification_url: str
    metadata: dict


@dataclass(frozen=True, slots=True)
class Created:
    provider_payment_id: str
    confirmation_url: str


@dataclass(frozen=True, slots=True)
class Outcome:
    provider_payment_id: str
    status: str                    # pending | succeeded | failed
    amount: int | None = None      # minor units, when the provider says
    currency: str | None = None
    reason: str | None = None


class ProviderError(Exception):
    """The provider did not answer, or refused the call."""


class Provider(Protocol):
    """What every adapter answers (see the top of this module)."""

    name: str

    def create_payment(self, account: Account, request: PaymentRequest) -> Created: ...

    def payment_status(self, account: Account, provider_payment_id: str) -> Outcome: ...

    def refund(self, account: Account, provider_payment_id: str, key: str, amount: int,
               currency: str) -> str: ...

    def payment_ref(self, body: bytes) -> str: ...

    def verify(self, account: Account, headers: Mapping[str, str], body: bytes) -> Outcome: ...


class ConfirmedByLookup:
    """For a provider whose notifications are not signed (YooKassa, PayPal): a notification only
    names a payment, and what it proves is what the provider answers when asked about it."""

    label: str  # the provider's name as people read it

    def verify(self, account: Account, headers, body: bytes) -> Outcome:
        ref = self.payment_ref(body)
        try:
            return self.payment_status(account, ref)
        except ProviderError as exc:
            raise BadNotification(f"{self.label} does not confirm it: {exc}") from None


class BadNotification(Exception):
    """A notification that is malformed, forged, stale, or names no payment."""


def to_major(amount: int) -> str:
    """Minor units as the decimal string providers take ("1000.50")."""
    return str((Decimal(amount) / 100).quantize(Decimal("0.01")))


def to_minor(value: str | int | float) -> int:
    return int((Decimal(str(value)) * 100).to_integral_value())


class BasicAuthApi:
    """An adapter of an API that takes the shop's account as HTTP basic auth and an
    `Idempotence-Key` (the sandbox, YooKassa)."""

    label: str  # the provider's name as people read it

    def __init__(self, url: str, timeout: float, session: requests.Session | None = None):
        self.url = url
        self.timeout = timeout
        self.http = session or requests.Session()

    def _call(self, method: str, path: str, account: Account, *, key: str | None = None,
              body: dict | None = None) -> dict:
        """One JSON call as the account, with the `Idempotence-Key` when given; an unreachable
        provider or an answer of 300 and up is a ProviderError naming it."""
        headers = {"Idempotence-Key": key} if key else {}
        try:
            answer = self.http.request(method, f"{self.url}{path}", json=body, headers=headers,
                                       auth=(account.account_id, account.secret),
                                       timeout=self.timeout)
        except requests.RequestException as exc:
            raise ProviderError(f"{self.label} unreachable: {type(exc).__name__}") from None
        if answer.status_code >= 300:
            raise ProviderError(f"{self.label} answered {answer.status_code}: {answer.text[:200]}")
        return answer.json()
