"""What the payments actions use besides the database: the providers, the key that opens the
shops' secrets, and the configured plans. One per service process (`PaymentsKit` dependency)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from nameko.extensions import DependencyProvider

from . import providers, settings
from .domain.plans import Plan
from .providers import Account
from .secrets import SecretBox


@dataclass(frozen=True)
class Kit:
    providers: dict[str, Any]
    box: SecretBox = field(repr=False)
    plans: dict[str, Plan]
    default_plan: str
    webhook_base_url: str
    platform_provider: str = "sandbox"
    platform_account: Account = field(default=Account("platform", ""), repr=False)
    debt_due_days: float = 14.0
    refund_due_hours: float = 24.0

    def plan(self, name: str | None) -> Plan:
        """A shop's plan; one no longer configured counts as the default."""
        return self.plans.get(name or self.default_plan) or self.plans[self.default_plan]


def build() -> Kit:
    return Kit(providers=providers.configured(), box=SecretBox(settings.encryption_key()),
               plans=settings.plans(), default_plan=settings.default_plan(),
               webhook_base_url=settings.webhook_base_url(),
               platform_provider=settings.platform_provider(),
               platform_account=Account(*settings.platform_account()),
               debt_due_days=settings.debt_due_days(),
               refund_due_hours=settings.refund_due_hours())


class PaymentsKit(DependencyProvider):
    def setup(self):
        self.kit = build()

    def get_dependency(self, worker_ctx):
        return self.kit
