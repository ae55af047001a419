"""Expiring signed links to private files, signed and checked by `services.common.signed_links`
(the notifications service issues them too, for photos in e-mail) with the key of the one shared
setting: `MEDIA_SIGNING_KEY`, else derived from `GATEWAY_SECRET_KEY`."""

from __future__ import annotations

from services.common import signed_links
from services.common.signed_links import sign, valid

__all__ = ["sign", "signing_key", "valid"]


def signing_key(settings) -> bytes:
    return signed_links.signing_key(settings.media_signing_key, settings.secret_key)
