"""The addresses of media: stable public URLs for shop and product images, expiring signed links
for private files."""

from __future__ import annotations

from flask import has_request_context, request

from services.common import clock, signed_links

from . import links
from .actions import UploadInfo

PUBLIC_VARIANTS = ("original", "page", "thumb")
PUBLIC_PATH = "/media/{id}/{variant}.{ext}"
MEDIA_PREFIX = "/media/"


def _here() -> str:
    return request.host_url.rstrip("/") if has_request_context() else ""


def public_base(settings) -> str:
    """Where public media is served from: `MEDIA_PUBLIC_BASE_URL`, else this host."""
    return (settings.media_public_base_url or "").rstrip("/") or _here()


def bases(settings) -> list[str]:
    """Where this platform's public media URLs may start: the public base and this host."""
    return [base for base in dict.fromkeys((public_base(settings), _here())) if base]


def public_path(upload: UploadInfo, variant: str = "original") -> str:
    """The path of a public image under the media base (`/media/{id}/{variant}.{ext}`): what
    services keep, made a URL by `absolute()` when shown."""
    return PUBLIC_PATH.format(id=upload.id, variant=variant, ext=upload.ext)


def public_url(settings, upload: UploadInfo, variant: str = "original") -> str:
    return public_base(settings) + public_path(upload, variant)


def absolute(settings, value: str) -> str:
    """A stored public media path as a URL; anything else (an older external link) as it is."""
    if value.startswith(MEDIA_PREFIX):
        return public_base(settings) + value
    return value


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
