"""Orders as payments follows them from the order events (the orders service owns the lifecycle).

Their status moves as the kernel's `order_status` says, the same as in every service that follows
them; `order.amount_changed` carries the new grand total.
"""

from __future__ import annotations

from services.common.order_status import FINAL, STATUS_EVENTS, status_after

FOLLOWED_EVENTS = (*STATUS_EVENTS, "order.amount_changed")

__all__ = ["FINAL", "FOLLOWED_EVENTS", "STATUS_EVENTS", "items_total", "status_after"]


def items_total(lines: list[dict]) -> int:
    return sum(int(line["quantity"]) * int(line["unit_price"]["amount"]) for line in lines)
