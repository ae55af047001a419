"""Media use cases: take an upload, read one, grant it, mark it referenced, clean up.

They take the gateway `Store`, a `Storage` and the settings, and raise the kernel's typed errors
(`Invalid` for 422, `NotFound`) or `TooLarge` / `WrongType` (413 / 415); the routes turn those into
HTTP. Nothing is stored for a refused upload: every check runs before the first byte is written.
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any, BinaryIO

from sqlalchemy import delete, select, update

from services.common import clock
from services.common.errors import Invalid, NotFound

from ..db import Store
from . import images, kinds
from .models import Upload, UploadGrant
from .storage import Storage

log = logging.getLogger("gateway.media")

_SAFE_NAME = re.compile(r"[^A-Za-z0-9._ -]+")


class TooLarge(Exception):
    """Over the purpose's size limit (413)."""


class WrongType(Exception):
    """A kind the purpose does not take, or no kind we know (415)."""


@dataclass(frozen=True)
class UploadInfo:
    id: str
    owner_id: str
    purpose: str
    kind: str
    content_type: str
    size: int
    width: int | None
    height: int | None
    filename: str | None
    variants: dict[str, Any]
    created_at: datetime
    referenced_at: datetime | None
    warnings: list[str] = field(default_factory=list)

    @property
    def public(self) -> bool:
        return kinds.is_public(self.purpose)

    @property
    def ext(self) -> str:
        return kinds.KINDS[self.kind].ext

    @classmethod
    def of(cls, row: Any, warnings: list[str] | None = None) -> UploadInfo:
        return cls(row.id, row.owner_id, row.purpose, row.kind, row.content_type, row.size,
                   row.width, row.height, row.filename, dict(row.variants), _aware(row.created_at),
                   _aware(row.referenced_at) if row.referenced_at else None, warnings or [])


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def public_key(upload_id: str, variant: str, ext: str) -> str:
    return f"public/{upload_id}/{variant}.{ext}"


def private_key(upload_id: str, ext: str) -> str:
    return f"private/{upload_id}/original.{ext}"


# -- taking an upload -------------------------------------------------------------------------------
def _size(stream: BinaryIO) -> int:
    stream.seek(0, 2)
    size = stream.tell()
    stream.seek(0)
    return size


def take(store: Store, storage: Storage, settings, *, owner_id: str, purpose: str,
         stream: BinaryIO, filename: str | None) -> UploadInfo:
    """Check, process and store one uploaded file; record it with its owner."""
    limit = settings.media_limit(purpose)
    size = _size(stream)
    if size > limit:
        raise TooLarge(f"A {purpose} file may be at most {limit} bytes; this one is {size}.")
    if size == 0:
        raise Invalid("The file is empty.", errors={"file": ["The file is empty."]})
    kind = kinds.sniff(stream.read(kinds.SNIFF_BYTES))
    stream.seek(0)
    if kind is None or kind.name not in kinds.ACCEPTS[purpose]:
        what = kind.content_type if kind else "a file of unknown type"
        raise WrongType(f"A {purpose} must be one of {kinds.accepted_names(purpose)}; "
                        f"this is {what}.")
    upload_id = str(uuid.uuid4())
    warnings: list[str] = []
    width = height = None
    written: list[str] = []
    variants: dict[str, Any] = {}
    try:
        if kind.image and purpose != "digital":  # digital goods are sold byte for byte
            public = kinds.is_public(purpose)
            try:
                done = images.process(stream, kind, purpose, max_pixels=settings.media_max_image_pixels,
                                      derivatives=public)
            except images.ImageRefused as exc:
                raise Invalid(str(exc), errors={"file": [str(exc)]}) from exc
            width, height, warnings = done.width, done.height, done.warnings
            for variant in done.variants:
                key = (public_key(upload_id, variant.name, kind.ext) if public
                       else private_key(upload_id, kind.ext))
                storage.put(key, _bytes_stream(variant.data), kind.content_type)
                written.append(key)
                variants[variant.name] = {"key": key, "size": len(variant.data),
                                          "width": variant.width, "height": variant.height}
            size = variants["original"]["size"]
        else:
            key = private_key(upload_id, kind.ext)
            storage.put(key, stream, kind.content_type)
            written.append(key)
            variants["original"] = {"key": key, "size": size}
        row = Upload(id=upload_id, owner_id=owner_id, purpose=purpose, kind=kind.name,
                     content_type=kind.content_type, size=size, width=width, height=height,
                     filename=_clean_name(filename, kind.ext), variants=variants,
                     created_at=clock.now(), referenced_at=None)
        with store.transaction() as session:
            session.add(row)
    except BaseException:
        for key in written:
            _quietly_delete(storage, key)
        raise
    return UploadInfo.of(row, warnings)


def _bytes_stream(data: bytes) -> BinaryIO:
    import io

    return io.BytesIO(data)


def _clean_name(filename: str | None, ext: str) -> str | None:
    """The client's file name, for the download's Content-Disposition only (never trusted for the
    type): path parts and odd characters dropped, the extension made the real one."""
    if not filename:
        return None
    base = _SAFE_NAME.sub("_", filename.replace("\\", "/").rsplit("/", 1)[-1]).strip(" ._")
    stem = base.rsplit(".", 1)[0] if "." in base else base
    return f"{(stem or 'file')[:200]}.{ext}"


def _quietly_delete(storage: Storage, key: str) -> None:
    try:
        storage.delete(key)
    except Exception:  # noqa: BLE001 - clean-up after a failure must not hide the failure
        log.warning("could not remove a stored file", extra={"key": key}, exc_info=True)


# -- reading and who may ------------------------------------------------------------------------------
def load(store: Store, upload_id: str) -> UploadInfo:
    if not is_uuid(upload_id):
        raise NotFound("No such upload.", code="upload_not_found")
    with store.reading() as conn:
        row = conn.execute(select(Upload.__table__).where(Upload.id == upload_id)).first()
    if row is None:
        raise NotFound("No such upload.", code="upload_not_found")
    return UploadInfo.of(SimpleNamespace(**row._mapping))


def granted(store: Store, upload_id: str, user_id: str) -> bool:
    with store.reading() as conn:
        return conn.execute(select(UploadGrant.user_id).where(
            UploadGrant.upload_id == upload_id, UploadGrant.user_id == user_id)).first() is not None


def may_read(store: Store, upload: UploadInfo, user_id: str, roles: Iterable[str] = ()) -> bool:
    """The owner, a user granted the file, an admin; anyone for public media."""
    return (upload.public or upload.owner_id == user_id or "admin" in roles
            or granted(store, upload.id, user_id))


def grant(store: Store, upload_ids: Iterable[str], user_ids: Iterable[str]) -> None:
    """Let each of `user_ids` read each upload (repeats are no-ops)."""
    upload_ids, user_ids = list(dict.fromkeys(upload_ids)), list(dict.fromkeys(user_ids))
    with store.transaction() as session:
        have = set(session.execute(select(UploadGrant.upload_id, UploadGrant.user_id).where(
            UploadGrant.upload_id.in_(upload_ids))).tuples())
        now = clock.now()
        for upload_id in upload_ids:
            for user_id in user_ids:
                if (upload_id, user_id) not in have:
                    session.add(UploadGrant(upload_id=upload_id, user_id=user_id, created_at=now))


def check_attachments(store: Store, user_id: str, ids: list[str], *,
                      may_see: Callable[[UploadInfo], bool] | None = None,
                      field_name: str = "attachment_ids") -> list[UploadInfo]:
    """Each id must be an upload the caller owns (or was granted, or `may_see` allows); else
    `Invalid` naming `attachment_ids.N` (422)."""
    found: list[UploadInfo] = []
    errors: dict[str, list[str]] = {}
    for index, upload_id in enumerate(ids):
        try:
            upload = load(store, str(upload_id))
        except NotFound:
            upload = None
        if upload is None or not (upload.owner_id == user_id or (may_see and may_see(upload))
                                  or granted(store, upload.id, user_id)):
            errors[f"{field_name}.{index}"] = ["No such upload of yours."]
            continue
        found.append(upload)
    if errors:
        raise Invalid("Some attachments are not uploads of yours.", code="unknown_upload",
                      errors=errors)
    return found


def mark_referenced(store: Store, upload_ids: Iterable[str]) -> set[str]:
    """Record that something refers to these uploads (the clean-up then keeps them forever).
    Returns the ids that name no upload."""
    ids = [i for i in dict.fromkeys(str(u) for u in upload_ids) if is_uuid(i)]
    unknown = {str(u) for u in upload_ids} - set(ids)
    if not ids:
        return unknown
    with store.transaction() as session:
        session.execute(update(Upload).where(Upload.id.in_(ids), Upload.referenced_at.is_(None))
                        .values(referenced_at=clock.now()))
        known = set(session.scalars(select(Upload.id).where(Upload.id.in_(ids))))
    return unknown | (set(ids) - known)


# -- clean-up -----------------------------------------------------------------------------------------
def cleanup(store: Store, storage: Storage, *, older_than_days: int,
            now: datetime | None = None, batch: int = 500) -> list[str]:
    """Remove uploads never referenced and older than `older_than_days`; returns their ids.

    The row goes first, and only while still unreferenced (a product saved at that moment keeps
    its image); then its files. A file left behind by a failed delete is logged, never a row
    pointing at nothing."""
    cutoff = (now or clock.now()) - timedelta(days=older_than_days)
    removed: list[str] = []
    while True:
        with store.reading() as conn:
            rows = conn.execute(select(Upload.id, Upload.variants).where(
                Upload.referenced_at.is_(None), Upload.created_at < cutoff).limit(batch)).all()
        progress = False
        for upload_id, variants in rows:
            with store.transaction() as session:
                session.execute(delete(UploadGrant).where(UploadGrant.upload_id == upload_id))
                gone = session.execute(delete(Upload).where(
                    Upload.id == upload_id, Upload.referenced_at.is_(None))).rowcount
            if not gone:
                continue
            progress = True
            for variant in (variants or {}).values():
                _quietly_delete(storage, variant["key"])
            removed.append(upload_id)
        if len(rows) < batch or not progress:
            return removed


def is_uuid(value: str) -> bool:
    try:
        return str(uuid.UUID(value)) == value.lower()
    except (ValueError, AttributeError, TypeError):
        return False
