"""Shop and product images given by reference, as product `images`, a shop's `logo_url` and
`banner_url` and a collection's `cover` take them: an upload id, or the URL of one of this
platform's public images (any of its sizes, as a response showed it). Pure rules, no I/O:

- `upload_id_of(value, bases)`: the upload a reference names, or None (a link elsewhere, a private
  link, anything else).
- `refusal(upload, user_id, use)`: why an upload cannot be shown as `use` (`product_image`, `logo`,
  `banner`, `cover`), or None. It must be the caller's own public image, and seed 003's rules
  for that use apply whatever purpose the file was uploaded with (`images.rules`).
- `snapshot(upload)`: what a service keeps of the image, `{id, url, page_url, thumb_url, width,
  height}`, the URLs as paths under the media base (`/media/{id}/{size}.{ext}`), made whole when
  shown (`urls.absolute`), so a change of host or CDN never leaves stale links in a service.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import urlsplit

from . import images, kinds, urls
from .actions import UploadInfo, is_uuid

USES = ("product_image", "logo", "banner", "cover")
_PATH = re.compile(r"/media/(?P<id>[0-9a-fA-F-]{36})/(?:original|page|thumb)\.(?:jpg|png|webp)")

NOT_YOURS = "No such upload of yours."
NOT_PUBLIC = ("Only images uploaded for the shop front (purpose product_image, logo, banner or "
              "cover) can be shown here; this upload is a private file.")
NOT_OURS = ("Give an upload id or the URL of an image uploaded here (POST /api/v1/uploads); "
            "links to other sites are not taken.")


def upload_id_of(value: str, bases: Iterable[str]) -> str | None:
    """The upload id `value` names: the id itself, or a public media URL under one of `bases`
    (the configured public base, this host) or its bare path."""
    value = value.strip()
    if is_uuid(value):
        return value.lower()
    parts = urlsplit(value)
    if parts.query or parts.fragment:
        return None
    path = None
    if not parts.scheme and not parts.netloc:
        path = value
    else:
        for base in bases:
            base = base.rstrip("/")
            if base and _same_origin_prefix(value, base):
                path = value[len(base):]
                break
    found = _PATH.fullmatch(path or "")
    if found is None or not is_uuid(found["id"]):
        return None
    return found["id"].lower()


def refusal(upload: UploadInfo | None, user_id: str, use: str) -> str | None:
    """Why `upload` cannot be the caller's `use` image, or None when it can."""
    if upload is None or upload.owner_id != user_id:
        return NOT_YOURS
    if not upload.public or upload.kind not in kinds.IMAGES:
        return NOT_PUBLIC
    try:
        images.rules(use, upload.width or 0, upload.height or 0)
    except images.ImageRefused as refused:
        return str(refused)
    return None


def snapshot(upload: UploadInfo) -> dict:
    return {"id": upload.id, "url": urls.public_path(upload),
            "page_url": urls.public_path(upload, "page"),
            "thumb_url": urls.public_path(upload, "thumb"),
            "width": upload.width, "height": upload.height}


def _same_origin_prefix(value: str, base: str) -> bool:
    """`value` starts with `base` (scheme and host compared case-insensitively)."""
    if len(value) < len(base):
        return False
    head, base_parts = urlsplit(value[:len(base)]), urlsplit(base)
    return (head.scheme.lower(), head.netloc.lower(), head.path) == (
        base_parts.scheme.lower(), base_parts.netloc.lower(), base_parts.path)
