"""Uploads and media: the gateway owns the bytes, services keep only upload ids.

For the other gateway areas (called inside a request, after their own checks):

- `check_attachments(user_id, ids, may_see=None)` → the uploads, or raises `Invalid` (422)
  naming `attachment_ids.N` for each id that is not the caller's own upload (or granted to them,
  or allowed by `may_see(upload) -> bool`). Use it before sending ids to a service.
- `grant(upload_ids, user_ids)`: let other users read private uploads (the other party of the
  order or conversation a message with attachments was posted in).
- `signed_url(upload_id, for_user)` → an expiring link to a private upload (the public URL for a
  public image); `NotFound` unless `for_user` owns the upload or was granted it. For lists of
  attachments, `attachments(ids, for_user)` → `[{id, url, content_type, size}]`.
- `image(upload_id)` → `{id, url, page_url, thumb_url, width, height}` of a public image.
- `shop_images(user_id, field, refs, use)` → the images product `images`, a shop's logo or
  banner, or a collection's cover refer to (upload ids or this platform's public media URLs), as
  the snapshots services keep (`refs.snapshot`: URLs as paths, made whole by `absolute_url`
  when shown), and the refusals per `field.N` (or `field` when `indexed` is false): not the
  caller's, not a public image, or against seed 003's rules for `use`.
- `mark_referenced(ids)` once a product, shop, collection or message refers to uploads: the
  clean-up (`atelier media-cleanup`, `cleanup()`) removes only uploads never referenced and older
  than `MEDIA_UNREFERENCED_DAYS`. Returns the ids that name no upload.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime

from flask import current_app

from services.common.errors import NotFound

from . import actions, refs, urls
from .actions import UploadInfo

__all__ = ["UploadInfo", "absolute_url", "attachments", "check_attachments", "cleanup", "grant",
           "image", "mark_referenced", "shop_images", "signed_url"]


def _store():
    return current_app.extensions["gateway_store"]


def _settings():
    return current_app.config["GATEWAY"]


def check_attachments(user_id: str, ids: list[str], *,
                      may_see: Callable[[UploadInfo], bool] | None = None,
                      field_name: str = "attachment_ids") -> list[UploadInfo]:
    return actions.check_attachments(_store(), user_id, ids, may_see=may_see,
                                     field_name=field_name)


def grant(upload_ids: Iterable[str], user_ids: Iterable[str]) -> None:
    actions.grant(_store(), upload_ids, user_ids)


def signed_url(upload_id: str, for_user: str, ttl_seconds: int | None = None) -> str:
    upload = actions.load(_store(), upload_id)
    if not actions.may_read(_store(), upload, for_user):
        raise NotFound("No such upload.", code="upload_not_found")
    if upload.public:
        return urls.public_url(_settings(), upload)
    return urls.signed_link(_settings(), upload.id, for_user, ttl_seconds)[0]


def attachments(ids: Iterable[str], for_user: str) -> list[dict]:
    out = []
    for upload_id in ids:
        upload = actions.load(_store(), upload_id)
        out.append({"id": upload.id, "url": signed_url(upload.id, for_user),
                    "content_type": upload.content_type, "size": upload.size})
    return out


def image(upload_id: str) -> dict:
    upload = actions.load(_store(), upload_id)
    if not upload.public:
        raise NotFound("No such image.", code="upload_not_found")
    settings = _settings()
    return {"id": upload.id, "url": urls.public_url(settings, upload),
            "page_url": urls.public_url(settings, upload, "page"),
            "thumb_url": urls.public_url(settings, upload, "thumb"),
            "width": upload.width, "height": upload.height}


def shop_images(user_id: str, field: str, values: list[str], use: str, *,
                indexed: bool = True) -> tuple[list[dict], dict[str, list[str]]]:
    bases = urls.bases(_settings())
    found: list[dict] = []
    errors: dict[str, list[str]] = {}
    for index, value in enumerate(values):
        name = f"{field}.{index}" if indexed else field
        upload_id = refs.upload_id_of(str(value), bases)
        if upload_id is None:
            errors[name] = [refs.NOT_OURS]
            continue
        try:
            upload = actions.load(_store(), upload_id)
        except NotFound:
            upload = None
        refused = refs.refusal(upload, user_id, use)
        if refused:
            errors[name] = [refused]
        else:
            found.append(refs.snapshot(upload))
    return found, errors


def absolute_url(value: str) -> str:
    """A stored public media path (`/media/...`) as a URL under the public base."""
    return urls.absolute(_settings(), value)


def mark_referenced(ids: Iterable[str]) -> set[str]:
    return actions.mark_referenced(_store(), ids)


def cleanup(store, storage, *, older_than_days: int, now: datetime | None = None) -> list[str]:
    return actions.cleanup(store, storage, older_than_days=older_than_days, now=now)


def run_cleanup(older_than_days: int | None = None, settings=None) -> list[str]:
    """The clean-up as `atelier media-cleanup` runs it: settings from the environment, the
    gateway database brought to its newest revision first. Returns the removed upload ids."""
    from ..db import Store, migrations_upgrade
    from ..settings import GatewaySettings
    from .storage import from_settings

    settings = settings or GatewaySettings.from_env()
    migrations_upgrade(settings.database_url)
    store = Store(settings.database_url)
    try:
        days = settings.media_unreferenced_days if older_than_days is None else older_than_days
        return actions.cleanup(store, from_settings(settings), older_than_days=days)
    finally:
        store.dispose()
