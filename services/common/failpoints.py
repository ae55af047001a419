"""Named points where a process can be made to die, for tests that prove nothing is lost or doubled.

`ATELIER_FAILPOINTS=relay.after_publish,...` makes `hit("relay.after_publish")` end the process at
once, as a crash or `kill -9` would: no cleanup, no commit, no goodbye to the broker.
"""

from __future__ import annotations

import os


def hit(name: str) -> None:
    armed = os.environ.get("ATELIER_FAILPOINTS")
    if armed and name in armed.split(","):
        os._exit(137)
