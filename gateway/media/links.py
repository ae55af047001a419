"""Expiring signed links to private files: an HMAC-SHA256 over the upload id, the user the link was
issued to and its expiry, with a key of the gateway's own (`MEDIA_SIGNING_KEY`, else derived from
`GATEWAY_SECRET_KEY`). Changing any of the three, or the signature, breaks it; so does time."""

from __future__ import annotations

import base64
import hashlib
import hmac


def signing_key(settings) -> bytes:
    if settings.media_signing_key:
        return settings.media_signing_key.encode()
    return hmac.new(settings.secret_key.encode(), b"atelier media links", hashlib.sha256).digest()


def sign(key: bytes, upload_id: str, user_id: str, expires: int) -> str:
    message = f"{upload_id}\n{user_id}\n{expires}".encode()
    digest = hmac.new(key, message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def valid(key: bytes, upload_id: str, user_id: str, expires: str, signature: str,
          now: float) -> bool:
    """The signature matches and the link has not expired."""
    if not expires.isdigit() or not signature or not user_id:
        return False
    expected = sign(key, upload_id, user_id, int(expires))
    return hmac.compare_digest(expected, signature) and int(expires) > now
