"""Small helpers the use cases share: ids, money and times as answered, a repeated
Idempotency-Key, and opening a payment at its provider."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

from services.common import clock
from services.common.clock import as_utc
from services.common.errors import Unavailable
from services.common.uow import UnitOfWork

from ..domain.errors import IdempotencyKeyReused
from ..kit import Kit
from ..models import ProviderPayment
from ..providers import Account, PaymentRequest, ProviderError

log = logging.getLogger(__name__)


def iso(moment: datetime | None) -> str | None:
    moment = as_utc(moment)
    return None if moment is None else moment.isoformat()


def new_id() -> str:
    return str(uuid.uuid4())


def money(amount: int, currency: str) -> dict:
    return {"amount": amount, "currency": currency}


def answer_again(earlier: Any, same: Callable[[Any], bool], view: Callable[[Any], dict],
                 what: str) -> dict:
    """The answer to an Idempotency-Key the caller used before: the first answer when it was for
    the same thing (`same(earlier)`), otherwise 409."""
    if earlier is None or not same(earlier):
        raise IdempotencyKeyReused(f"This Idempotency-Key was used for another {what}.")
    return view(earlier)


def open_at_provider(uow: UnitOfWork, kit: Kit, payment: ProviderPayment,
                     account: Account, view: Callable[[Any], dict], *, description: str,
                     metadata: dict) -> dict:
    """Make the payment at its provider as `account` (outside any transaction) and keep the
    provider's id and confirmation URL; a provider that refuses, does not answer or is not
    configured fails the payment, so its part may be paid again, and the answer is 503."""
    row = type(payment)
    provider = kit.providers.get(payment.provider)
    try:
        if provider is None:
            raise ProviderError(f"provider {payment.provider!r} is not available")
        created = provider.create_payment(account, PaymentRequest(
            key=payment.id, amount=payment.amount, currency=payment.currency,
            description=description, return_url=payment.return_url,
            notification_url=f"{kit.webhook_base_url}/webhooks/{payment.provider}",
            metadata=metadata))
    except ProviderError as exc:
        log.warning("%s %s: the provider refused or did not answer: %s", row.__tablename__,
                    payment.id, exc)
        with uow:
            failed = uow.session.get(row, payment.id, with_for_update=True)
            failed.status, failed.failure_reason = "failed", "provider_unavailable"
            failed.updated_at = clock.now()
        raise Unavailable("The payment provider did not answer; try again shortly.",
                          "provider_unavailable") from None
    with uow:
        stored = uow.session.get(row, payment.id, with_for_update=True)
        stored.provider_payment_id = created.provider_payment_id
        stored.confirmation_url = created.confirmation_url
        stored.updated_at = clock.now()
        return view(stored)
