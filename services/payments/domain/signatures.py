"""Signed provider notifications (the sandbox's scheme, HMAC-SHA256 as Stripe signs webhooks):

    Sandbox-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>." + raw body)>

A notification is genuine when the HMAC matches under the shop's secret key and `t` is within the
tolerance of now (an old notification played again is refused even with a valid signature).
"""

from __future__ import annotations

import hashlib
import hmac


class BadSignature(Exception):
    """Missing, malformed, forged or stale."""


def sign(secret: str, body: bytes, timestamp: int) -> str:
    digest = hmac.new(secret.encode(), str(timestamp).encode() + b"." + body, hashlib.sha256)
    return f"t={timestamp},v1={digest.hexdigest()}"


def verify(secret: str, body: bytes, header: str | None, now: float, tolerance: float) -> None:
    if not header:
        raise BadSignature("no signature")
    try:
        parts = dict(item.split("=", 1) for item in header.split(","))
        timestamp = int(parts["t"])
        given = parts["v1"]
    except (KeyError, ValueError):
        raise BadSignature("malformed signature") from None
    expected = sign(secret, body, timestamp).split("v1=", 1)[1]
    if not hmac.compare_digest(expected, given):
        raise BadSignature("signature does not match")
    if abs(now - timestamp) > tolerance:
        raise BadSignature("notification too old")
