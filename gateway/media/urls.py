"""The addresses of media: stable public URLs for shop and product images, expiring signed links
for private files."""

from __future__ import annotations

from flask import has_request_context, request

from services.common import clock, signed_links

from . import links
from .actions import UploadInfo

PUBLIC_VARIANTS = ("original", "page", "thumb")
PUBLIC_PATH = "/media/{id}/{variant}.{ext}"


def _here() -> str:
    return request.host_url.rstrip("/") if has_request_context() else ""


def public_url(settings, upload: UploadInfo, variant: str = "original") -> str:
    base = (settings.media_public_base_url or "").rstrip("/") or _here()
    return base + PUBLIC_PATH.format(id=upload.id, variant=variant, ext=upload.ext)


def signed_link(settings, upload_id: str, user_id: str, ttl_seconds: int | None = None
                ) -> tuple[str, int]:
    """(link, expiry as a Unix time) for `user_id` to read a private upload."""
    expires = int(clock.now().timestamp()) + (ttl_seconds or settings.media_link_ttl_seconds)
    return signed_links.link(links.signing_key(settings), _here(), upload_id, user_id,
                             expires), expires


def url_for_user(settings, upload: UploadInfo, user_id: str) -> str:
    """The URL to show `user_id`: the public one, else a signed link issued to them."""
    if upload.public:
        return public_url(settings, upload)
    return signed_link(settings, upload.id, user_id)[0]
