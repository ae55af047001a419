"""What every benchmark shares: percentiles, a table printer, and the machine it ran on."""

from __future__ import annotations

import os
import platform
import statistics
from datetime import UTC, datetime


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(sorted(values), n=100, method="inclusive")[int(p) - 1]


def machine() -> str:
    return (f"{platform.node()} · {os.cpu_count()} cores · Python {platform.python_version()} · "
            f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC")


def table(headers: list[str], rows: list[list]) -> str:
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)
