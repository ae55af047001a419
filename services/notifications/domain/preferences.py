"""What a user chose to receive, per channel: `{channel: {"marketing": bool}}`.

Transactional notices (orders, payments, sanctions) always go, whatever the choice. Marketing
(offers, abandoned-cart discounts) is opt-in by the outside channels, where sending advertising
needs consent, and on by default in the app.
"""

from __future__ import annotations

from typing import Any

CHANNELS = ("email", "sms", "telegram", "in_app")
TRANSACTIONAL, MARKETING = "transactional", "marketing"
DEFAULTS = {"email": False, "sms": False, "telegram": False, "in_app": True}


def effective(stored: dict[str, Any] | None) -> dict[str, dict[str, bool]]:
    """The full choice, defaults filled in for what the user never set."""
    stored = stored or {}
    return {channel: {"marketing": bool((stored.get(channel) or {}).get(
        "marketing", DEFAULTS[channel]))} for channel in CHANNELS}


def merged(stored: dict[str, Any] | None, changes: dict[str, Any]) -> dict[str, dict[str, bool]]:
    """The stored choice with the channels named in `changes` replaced."""
    result = effective(stored)
    for channel, choice in changes.items():
        result[channel] = {"marketing": bool(choice["marketing"])}
    return result


def allows(stored: dict[str, Any] | None, channel: str, category: str) -> bool:
    if category == TRANSACTIONAL:
        return True
    return effective(stored)[channel]["marketing"]
