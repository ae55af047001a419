"""Tariff plans: each with the platform's commission percent and whether its shops may take online
payment (seed 003: only Pro). Plans are configuration (`PAYMENTS_PLANS`), parsed here.

    parse_plans("basic:10:no,pro:5:yes")  # name:commission percent:online payment allowed
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

DEFAULT_PLANS = "basic:10:no,pro:5:yes"
DEFAULT_PLAN = "basic"


@dataclass(frozen=True, slots=True)
class Plan:
    name: str
    commission_percent: Decimal
    online_payment: bool

    def to_dict(self) -> dict:
        return {"name": self.name, "commission_percent": str(self.commission_percent),
                "online_payment": self.online_payment}


_YES = {"yes": True, "true": True, "1": True, "no": False, "false": False, "0": False}


def parse_plans(text: str) -> dict[str, Plan]:
    """`name:percent:yes|no` entries separated by commas; a malformed one raises ValueError."""
    plans: dict[str, Plan] = {}
    for entry in (part.strip() for part in text.split(",")):
        if not entry:
            continue
        try:
            name, percent, online = (piece.strip() for piece in entry.split(":"))
            commission = Decimal(percent)
        except (ValueError, InvalidOperation):
            raise ValueError(f"a plan is `name:commission_percent:yes|no`, not {entry!r}") from None
        if not name or online.lower() not in _YES or not Decimal(0) <= commission <= Decimal(100):
            raise ValueError(f"a plan is `name:commission_percent:yes|no`, not {entry!r}")
        plans[name] = Plan(name, commission, _YES[online.lower()])
    if not plans:
        raise ValueError("at least one plan must be configured")
    return plans
