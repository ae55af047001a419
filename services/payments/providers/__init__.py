"""Payment providers behind one interface (`base`): the sandbox, YooKassa and PayPal."""

from __future__ import annotations

from .. import settings
from .base import (
    Account,
    BadNotification,
    Created,
    Outcome,
    PaymentRequest,
    Provider,
    ProviderError,
)
from .paypal import PayPalProvider
from .sandbox import SandboxProvider
from .yookassa import YooKassaProvider

__all__ = ["Account", "BadNotification", "Created", "Outcome", "PaymentRequest", "Provider",
           "ProviderError", "configured"]

SUPPORTED = ("sandbox", "yookassa", "paypal")


def configured() -> dict:
    """Every provider adapter, from the settings."""
    timeout = settings.provider_timeout_seconds()
    return {
        "sandbox": SandboxProvider(settings.sandbox_url(), timeout,
                                   settings.signature_tolerance_seconds()),
        "yookassa": YooKassaProvider(settings.yookassa_url(), timeout),
        "paypal": PayPalProvider(settings.paypal_url(), timeout),
    }
