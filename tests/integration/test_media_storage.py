"""Media storage: the same tests against files on disk and against an S3-compatible object store
(moto's server, `moto_server`, a separate process on a free port started here); and the gateway's
media tables as its migrations build them."""

from __future__ import annotations

import io
import os
import tracemalloc
import uuid

import pytest
import requests
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import MetaData

import gateway
from gateway.identity.models import Base as IdentityBase
from gateway.media.models import Base as MediaBase
from gateway.media.storage import LocalStorage, Missing, S3Storage
from gateway.settings import MIGRATIONS_DIR
from services.common.db import make_engine
from services.common.migrations import alembic_config
from tests.support.harness import BIN, Process, free_port, wait_for

pytestmark = pytest.mark.integration

MIB = 1024 * 1024


@pytest.fixture(scope="module")
def s3_endpoint(tmp_path_factory):
    """A local S3-compatible server in its own process (so its memory is not ours)."""
    port = free_port()
    server = Process("moto", [str(BIN / "moto_server"), "-H", "127.0.0.1", "-p", str(port)],
                     {}, tmp_path_factory.mktemp("moto")).start()
    endpoint = f"http://127.0.0.1:{port}"

    def up():
        assert server.running, server.logs()[-2000:]
        return requests.get(f"{endpoint}/moto-api/", timeout=1).status_code < 500

    wait_for(up, timeout=30, interval=0.1, message="the S3-compatible server")
    yield endpoint
    server.stop()


@pytest.fixture(params=["local", "s3"])
def storage(request, tmp_path):
    if request.param == "local":
        return LocalStorage(tmp_path / "media")
    endpoint = request.getfixturevalue("s3_endpoint")
    store = S3Storage(f"media-{uuid.uuid4().hex[:12]}", endpoint_url=endpoint,
                      access_key="testing", secret_key="testing", prefix="atelier")
    store.ensure_bucket()
    return store


def read_all(storage, key: str) -> bytes:
    handle, size = storage.open(key)
    try:
        data = handle.read()
    finally:
        handle.close()
    assert len(data) == size
    return data


def test_a_stored_file_reads_back_as_it_was_written(storage):
    storage.put("public/a/thumb.jpg", io.BytesIO(b"\xff\xd8\xff first"), "image/jpeg")
    assert storage.exists("public/a/thumb.jpg")
    assert read_all(storage, "public/a/thumb.jpg") == b"\xff\xd8\xff first"


def test_putting_again_under_a_key_replaces_the_file(storage):
    storage.put("private/b/original.pdf", io.BytesIO(b"%PDF-1 old"), "application/pdf")
    storage.put("private/b/original.pdf", io.BytesIO(b"%PDF-1 new, longer"), "application/pdf")
    assert read_all(storage, "private/b/original.pdf") == b"%PDF-1 new, longer"


def test_a_deleted_file_is_gone_and_deleting_again_is_harmless(storage):
    storage.put("public/c/page.png", io.BytesIO(b"png"), "image/png")
    storage.delete("public/c/page.png")
    assert not storage.exists("public/c/page.png")
    with pytest.raises(Missing):
        storage.open("public/c/page.png")
    storage.delete("public/c/page.png")


def test_a_missing_key_is_reported_as_missing(storage):
    assert not storage.exists("public/nothing/original.jpg")
    with pytest.raises(Missing):
        storage.open("public/nothing/original.jpg")


def test_a_large_file_is_streamed_in_and_out_with_flat_memory(storage, tmp_path):
    source = tmp_path / "big.zip"
    with source.open("wb") as out:
        for _ in range(24):
            out.write(os.urandom(MIB))
    tracemalloc.start()
    try:
        with source.open("rb") as stream:
            storage.put("private/big/original.zip", stream, "application/zip")
        handle, size = storage.open("private/big/original.zip")
        read = 0
        with handle:
            while chunk := handle.read(256 * 1024):
                read += len(chunk)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert size == read == 24 * MIB
    assert peak < 12 * MIB, f"peak {peak / MIB:.1f} MiB while moving 24 MiB"


def test_a_key_cannot_leave_the_media_directory(tmp_path):
    storage = LocalStorage(tmp_path / "media")
    with pytest.raises(ValueError):
        storage.put("../outside.txt", io.BytesIO(b"x"), "text/plain")


def test_the_gateway_migrations_build_exactly_the_media_and_identity_tables(databases):
    url = databases.url("gateway")
    gateway.migrations_upgrade(url)
    gateway.migrations_upgrade(url)  # a second start finds nothing to do
    metadata = MetaData()
    for table in [*IdentityBase.metadata.tables.values(), *MediaBase.metadata.tables.values()]:
        table.to_metadata(metadata)
    engine = make_engine(url, pool_size=1)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            assert compare_metadata(context, metadata) == []
    finally:
        engine.dispose()
    # and the media revision comes down cleanly
    command.downgrade(alembic_config("gateway", url, MIGRATIONS_DIR), "0001")
    engine = make_engine(url, pool_size=1)
    try:
        from sqlalchemy import inspect

        assert "uploads" not in inspect(engine).get_table_names()
    finally:
        engine.dispose()
