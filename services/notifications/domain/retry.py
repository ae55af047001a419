"""When a failed delivery is tried again, and when it is given up.

    after_failure(attempts=3, base=5, cap=1800, max_attempts=10)  → 20.0 (seconds to wait)
    after_failure(attempts=10, ...)                               → None (dead)

The wait doubles with each attempt from `base` up to `cap`; a message the channel refused for good
(a malformed address, an unknown chat) is dead at once.
"""

from __future__ import annotations


def after_failure(attempts: int, *, base: float, cap: float, max_attempts: int,
                  permanent: bool = False) -> float | None:
    """Seconds until the next attempt after `attempts` failed ones, or None: give up."""
    if permanent or attempts >= max_attempts:
        return None
    return min(base * 2 ** (attempts - 1), cap)
