"""Where uploaded bytes live, behind one small interface with two implementations:

- `LocalStorage`: files under a directory (`MEDIA_DIR`, `var/media` by default); written to a
  temporary name and renamed, so a reader never sees half a file.
- `S3Storage`: any S3-compatible object store (boto3; bucket, endpoint and keys from settings).

Both stream: `put` copies from a file object in chunks (S3: a multipart upload for large files),
`open` hands back a file object to read in chunks. Keys look like `public/<id>/thumb.jpg`.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from abc import ABC, abstractmethod
from pathlib import Path
from typing import BinaryIO

CHUNK = 256 * 1024


class Missing(Exception):
    """No object under that key."""


class Storage(ABC):
    @abstractmethod
    def put(self, key: str, stream: BinaryIO, content_type: str) -> None:
        """Store the stream's bytes (from its current position) under `key`, replacing any."""

    @abstractmethod
    def open(self, key: str) -> tuple[BinaryIO, int]:
        """(a file object to read, its size); `Missing` when there is none."""

    @abstractmethod
    def delete(self, key: str) -> None:
        """Remove `key`; nothing happens when it is already gone."""

    @abstractmethod
    def exists(self, key: str) -> bool: ...

    def local_path(self, key: str) -> Path | None:
        """A file path the web server may send directly, when the storage has one."""
        return None


class LocalStorage(Storage):
    def __init__(self, root: str | Path):
        self.root = Path(root).resolve()

    def _path(self, key: str) -> Path:
        path = (self.root / key).resolve()
        if self.root not in path.parents:
            raise ValueError(f"key {key!r} leaves the media directory")
        return path

    def put(self, key: str, stream: BinaryIO, content_type: str) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{uuid.uuid4().hex}.")
        try:
            with os.fdopen(fd, "wb") as out:
                shutil.copyfileobj(stream, out, CHUNK)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def open(self, key: str) -> tuple[BinaryIO, int]:
        path = self._path(key)
        try:
            handle = path.open("rb")
        except FileNotFoundError as exc:
            raise Missing(key) from exc
        return handle, os.fstat(handle.fileno()).st_size

    def delete(self, key: str) -> None:
        path = self._path(key)
        path.unlink(missing_ok=True)
        for parent in path.parents:  # drop the upload's folder once it is empty
            if parent == self.root:
                break
            try:
                parent.rmdir()
            except OSError:
                break

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def local_path(self, key: str) -> Path | None:
        path = self._path(key)
        return path if path.is_file() else None


class S3Storage(Storage):
    def __init__(self, bucket: str, *, endpoint_url: str | None = None, region: str = "us-east-1",
                 access_key: str | None = None, secret_key: str | None = None,
                 prefix: str = ""):
        import boto3
        from boto3.s3.transfer import TransferConfig
        from botocore.config import Config

        self.bucket = bucket
        self.prefix = prefix.strip("/") + "/" if prefix.strip("/") else ""
        self.client = boto3.session.Session().client(
            "s3", endpoint_url=endpoint_url, region_name=region,
            aws_access_key_id=access_key, aws_secret_access_key=secret_key,
            config=Config(retries={"max_attempts": 3, "mode": "standard"},
                          max_pool_connections=16, s3={"addressing_style": "path"}),
        )
        # Parts of 5 MiB (S3's smallest), one at a time: memory stays flat whatever the size.
        self.transfer = TransferConfig(multipart_threshold=8 * 1024 * 1024,
                                       multipart_chunksize=5 * 1024 * 1024,
                                       max_concurrency=1, use_threads=False)

    def _key(self, key: str) -> str:
        return self.prefix + key

    def ensure_bucket(self) -> None:
        """Create the bucket when it does not exist (development and tests)."""
        from botocore.exceptions import ClientError

        try:
            self.client.head_bucket(Bucket=self.bucket)
        except ClientError:
            self.client.create_bucket(Bucket=self.bucket)

    def put(self, key: str, stream: BinaryIO, content_type: str) -> None:
        self.client.upload_fileobj(stream, self.bucket, self._key(key),
                                   ExtraArgs={"ContentType": content_type},
                                   Config=self.transfer)

    def open(self, key: str) -> tuple[BinaryIO, int]:
        from botocore.exceptions import ClientError

        try:
            answer = self.client.get_object(Bucket=self.bucket, Key=self._key(key))
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("NoSuchKey", "404", "NotFound"):
                raise Missing(key) from exc
            raise
        return answer["Body"], int(answer["ContentLength"])

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self._key(key))

    def exists(self, key: str) -> bool:
        from botocore.exceptions import ClientError

        try:
            self.client.head_object(Bucket=self.bucket, Key=self._key(key))
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("NoSuchKey", "404", "NotFound"):
                return False
            raise
        return True


def from_settings(settings) -> Storage:
    if settings.media_storage == "s3":
        return S3Storage(settings.media_s3_bucket, endpoint_url=settings.media_s3_endpoint_url,
                         region=settings.media_s3_region,
                         access_key=settings.media_s3_access_key,
                         secret_key=settings.media_s3_secret_key,
                         prefix=settings.media_s3_prefix)
    return LocalStorage(settings.media_dir)
