"""Expiring signed links to private files (attachments, documents, digital goods): an HMAC-SHA256
over the upload id, the user the link is issued to and its expiry (a Unix time). Changing any of
the three, or the signature, breaks a link; so does time.

The gateway serves the files and checks the links (`GET /media/private/{id}?user=&expires=&
signature=`); the gateway and the notifications service (photos in an e-mail) issue them, with one
key from the one shared setting: `MEDIA_SIGNING_KEY`, else a key derived from `GATEWAY_SECRET_KEY`
(`key_from_env`). Every process that issues links must see the same values.

    key = signing_key("a-long-random-key", secret_key)
    link(key, "https://shop.example", upload_id, user_id, expires)
    valid(key, upload_id, user_id, "1767225600", signature, now=time.time())
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from urllib.parse import urlencode

from . import settings

PRIVATE_PATH = "/media/private/{id}"


def signing_key(media_signing_key: str | None, secret_key: str) -> bytes:
    """The key links are signed with: `media_signing_key` when set, else one derived from the
    gateway's secret key."""
    if media_signing_key:
        return media_signing_key.encode()
    return hmac.new(secret_key.encode(), b"atelier media links", hashlib.sha256).digest()


def key_from_env() -> bytes:
    """The signing key from the environment (`MEDIA_SIGNING_KEY`, `GATEWAY_SECRET_KEY`), as every
    process that issues or checks links reads it."""
    e = settings.env()
    return signing_key(e.str("MEDIA_SIGNING_KEY", None),
                       e.str("GATEWAY_SECRET_KEY", settings.DEV_GATEWAY_SECRET_KEY))


def sign(key: bytes, upload_id: str, user_id: str, expires: int) -> str:
    message = f"{upload_id}\n{user_id}\n{expires}".encode()
    digest = hmac.new(key, message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def valid(key: bytes, upload_id: str, user_id: str, expires: str, signature: str,
          now: float) -> bool:
    """The signature matches and the link has not expired. Anything else a client may put in a
    link (other digits than ASCII ones, a signature that is not base64) is simply not valid."""
    if not (expires.isascii() and expires.isdigit()) or not signature or not user_id:
        return False
    expected = sign(key, upload_id, user_id, int(expires))
    return hmac.compare_digest(expected.encode(), signature.encode()) and int(expires) > now


def link(key: bytes, base_url: str, upload_id: str, user_id: str, expires: int) -> str:
    """The link to the private file for `user_id` until `expires`, on `base_url` (the gateway's
    address; empty: a path on the current host)."""
    query = urlencode({"user": user_id, "expires": expires,
                       "signature": sign(key, upload_id, user_id, expires)})
    return f"{base_url.rstrip('/')}{PRIVATE_PATH.format(id=upload_id)}?{query}"
