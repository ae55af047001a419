"""Uploads through the gateway (gunicorn, as production runs it) with real files made here with
Pillow: images verified, upright, without EXIF, in three sizes at stable cacheable URLs; seed 003's
rules for product images, logos and banners; types read from the content; size limits; private
files only through expiring signed links issued to those allowed; memory flat under a 20 MB
upload; unreferenced uploads cleaned up, referenced ones kept."""

from __future__ import annotations

import io
import os
import time
import uuid
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import requests
from PIL import ExifTags, Image
from sqlalchemy import func, select

from gateway.db import Store
from gateway.media import actions
from gateway.media.links import sign
from gateway.media.models import Upload
from tests.support.api import Api
from tests.support.media import atelier, fetch, image_bytes, upload

pytestmark = pytest.mark.integration

MIB = 1024 * 1024
SIGNING_KEY = "media-links-" + uuid.uuid4().hex


@pytest.fixture(scope="module")
def media_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("media")


@pytest.fixture(scope="module")
def api(system, media_dir):
    client = Api(system.gateway(env={"MEDIA_DIR": str(media_dir),
                                     "MEDIA_SIGNING_KEY": SIGNING_KEY}))
    yield client
    client.close()


@pytest.fixture(scope="module")
def store(api):
    db = Store(api.gateway.env["GATEWAY_DATABASE_URL"])
    yield db
    db.dispose()


# -- helpers ---------------------------------------------------------------------------------------
def opened(response: requests.Response) -> Image.Image:
    image = Image.open(io.BytesIO(response.content))
    image.load()
    return image


def stored(media_dir: Path, store: Store) -> tuple[int, int]:
    files = sum(1 for path in media_dir.rglob("*") if path.is_file())
    with store.reading() as conn:
        rows = conn.execute(select(func.count()).select_from(Upload)).scalar_one()
    return files, rows


def problem(response: requests.Response, status: int) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"].startswith("application/problem+json")
    return response.json()


# -- public images ---------------------------------------------------------------------------------
def test_a_phone_photo_comes_back_upright_without_exif_in_three_sizes(api):
    seller = api.register("seller")
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6  # the camera was turned: show it rotated 90° clockwise
    exif[ExifTags.IFD.GPSInfo] = {1: "N", 2: (55.0, 45.0, 0.0), 3: "E", 4: (37.0, 37.0, 0.0)}
    sent = image_bytes((2000, 1200), exif=exif.tobytes())

    response = upload(api, seller, sent)

    assert response.status_code == 201, response.text
    body = response.json()
    assert (body["width"], body["height"]) == (1200, 2000)  # upright: portrait
    assert body["content_type"] == "image/jpeg" and body["warnings"] == []
    original = fetch(body["url"])
    assert original.status_code == 200 and original.headers["Content-Type"] == "image/jpeg"
    assert int(original.headers["Content-Length"]) == body["size"] == len(original.content)
    upright = opened(original)
    assert upright.size == (1200, 2000)
    # the stored top (red) is on the right once turned clockwise; the left is blue
    right, left = upright.getpixel((1100, 1000)), upright.getpixel((100, 1000))
    assert right[0] > 150 and right[2] < 100, right
    assert left[2] > 150 and left[0] < 100, left
    for response in (original, fetch(body["page_url"]), fetch(body["thumb_url"])):
        image = opened(response)
        assert not image.getexif(), "EXIF must be gone"
        assert b"Exif" not in response.content[:4096]
    assert opened(fetch(body["thumb_url"])).size == (400, 400)
    assert opened(fetch(body["page_url"])).size == (720, 1200)


def test_public_media_is_cacheable_and_answers_304_to_its_etag(api):
    seller = api.register("seller")
    body = upload(api, seller, image_bytes((1200, 1200))).json()

    first = fetch(body["thumb_url"])

    assert first.status_code == 200
    etag = first.headers["ETag"]
    cache = first.headers["Cache-Control"]
    assert "public" in cache and "immutable" in cache and "max-age=" in cache
    again = fetch(body["thumb_url"], headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["ETag"] == etag
    assert fetch(body["page_url"], headers={"If-None-Match": etag}).status_code == 200
    assert fetch(body["url"].replace(body["id"], str(uuid.uuid4()))).status_code == 404


def test_a_small_product_image_is_accepted_with_a_warning(api):
    seller = api.register("seller")

    response = upload(api, seller, image_bytes((600, 450)))

    assert response.status_code == 201, response.text
    body = response.json()
    assert body["width"] == 600
    assert len(body["warnings"]) == 1 and "1000 px" in body["warnings"][0]
    assert fetch(body["url"]).status_code == 200


def test_a_square_logo_and_a_wide_banner_are_accepted(api):
    seller = api.register("seller")

    logo = upload(api, seller, image_bytes((240, 240), "PNG"), "logo.png", "logo", "image/png")
    banner = upload(api, seller, image_bytes((1500, 400), "WEBP"), "b.webp", "banner", "image/webp")

    assert logo.status_code == 201, logo.text
    assert logo.json()["content_type"] == "image/png" and logo.json()["url"].endswith(".png")
    assert banner.status_code == 201, banner.text
    assert banner.json()["content_type"] == "image/webp"
    assert fetch(banner.json()["thumb_url"]).headers["Content-Type"] == "image/webp"


def bomb() -> bytes:
    out = io.BytesIO()
    Image.new("1", (9000, 9000)).save(out, "PNG")  # a few KB that decode to 81 million pixels
    return out.getvalue()


def truncated_jpeg() -> bytes:
    data = image_bytes((800, 600))
    return data[: len(data) // 2]


REFUSED = [
    # (case, file name, content type, purpose, bytes (a callable), status, words in the detail)
    ("a 300x200 logo", "logo.png", "image/png", "logo",
     lambda: image_bytes((300, 200), "PNG"), 422, "square"),
    ("a 150x150 logo", "logo.png", "image/png", "logo",
     lambda: image_bytes((150, 150), "PNG"), 422, "200x200"),
    ("a 1000 px banner", "banner.jpg", "image/jpeg", "banner",
     lambda: image_bytes((1000, 300)), 422, "1400 px"),
    ("a PNG named .pdf", "contract.pdf", "application/pdf", "document",
     lambda: image_bytes((50, 50), "PNG"), 415, "image/png"),
    ("a PDF as a product image", "photo.jpg", "image/jpeg", "product_image",
     lambda: b"%PDF-1.7\n" + b"0" * 100, 415, "application/pdf"),
    ("a text file", "notes.txt", "text/plain", None, lambda: b"hello there", 415, "unknown"),
    ("a 30 MB file", "huge.jpg", "image/jpeg", "product_image",
     lambda: b"\xff\xd8\xff\xe0" + os.urandom(30 * MIB), 413, "at most"),
    ("a decompression bomb", "bomb.png", "image/png", "product_image", bomb, 422, "pixels"),
    ("a broken JPEG", "broken.jpg", "image/jpeg", "product_image", truncated_jpeg, 422,
     "not a readable image"),
]


@pytest.mark.parametrize("case,name,content_type,purpose,make,status,words", REFUSED,
                         ids=[case[0] for case in REFUSED])
def test_a_refused_upload_stores_nothing(api, store, media_dir, case, name, content_type,
                                         purpose, make, status, words):
    seller = api.register("seller")
    before = stored(media_dir, store)

    response = upload(api, seller, make(), name, purpose, content_type)

    body = problem(response, status)
    assert words in body["detail"], body
    if status == 422:
        assert body["errors"]["file"], body
    assert stored(media_dir, store) == before


def test_uploads_need_a_signed_in_user_and_a_multipart_body(api):
    seller = api.register("seller")
    assert upload(api, None, image_bytes((100, 100))).status_code == 401
    problem(api.call("POST", "/uploads", seller, json={"file": "x"}), 415)
    missing = problem(api.call("POST", "/uploads", seller, data={"purpose": "logo"},
                               files={"other": ("a", b"b")}), 422)
    assert "file" in missing["errors"] and "other" in missing["errors"]
    wrong = problem(upload(api, seller, image_bytes((100, 100)), purpose="poster"), 422)
    assert "purpose" in wrong["errors"]


# -- private files ---------------------------------------------------------------------------------
def relink(url: str, **changes) -> str:
    parts = urlsplit(url)
    query = {key: values[0] for key, values in parse_qs(parts.query).items()}
    query.update(changes)
    return f"{parts.scheme}://{parts.netloc}{parts.path}?{urlencode(query)}"


def test_a_private_attachment_is_read_only_through_a_link_issued_to_an_allowed_user(api, store):
    buyer, seller, stranger = api.register("buyer"), api.register("seller"), api.register("buyer")
    sketch = b"%PDF-1.4\n% a sketch of the commission\n" + os.urandom(2000)

    created = upload(api, buyer, sketch, "sketch.pdf", "attachment", "application/pdf")

    assert created.status_code == 201, created.text
    body = created.json()
    assert body["content_type"] == "application/pdf" and body["size"] == len(sketch)
    assert "/media/private/" in body["url"] and body["expires_at"]
    read = fetch(body["url"])
    assert read.status_code == 200 and read.content == sketch
    assert read.headers["Content-Type"] == "application/pdf"
    assert "no-store" in read.headers["Cache-Control"]
    assert fetch(body["url"], headers={"Authorization": f"Bearer {buyer.token}"}).ok
    # nobody else: not with the buyer's link and a token of their own, not by asking for one
    problem(fetch(body["url"], headers={"Authorization": f"Bearer {stranger.token}"}), 403)
    problem(api.call("GET", f"/uploads/{body['id']}", stranger), 404)
    problem(api.call("GET", f"/uploads/{body['id']}", seller), 404)
    problem(fetch(relink(body["url"], user=stranger.id)), 403)

    actions.grant(store, [body["id"]], [seller.id])  # the seller of the custom request

    issued = api.call("GET", f"/uploads/{body['id']}", seller)
    assert issued.status_code == 200, issued.text
    seller_link = issued.json()["url"]
    assert parse_qs(urlsplit(seller_link).query)["user"] == [seller.id]
    assert fetch(seller_link, headers={"Authorization": f"Bearer {seller.token}"}).content == sketch
    problem(api.call("GET", f"/uploads/{body['id']}", stranger), 404)


def test_an_expired_or_altered_link_is_refused(api):
    buyer = api.register("buyer")
    body = upload(api, buyer, b"%PDF-1.4 receipt", "r.pdf", "document", "application/pdf").json()
    query = parse_qs(urlsplit(body["url"]).query)
    expires = int(query["expires"][0])

    problem(fetch(relink(body["url"], expires=expires + 3600)), 403)
    problem(fetch(relink(body["url"], signature=query["signature"][0][:-2] + "AA")), 403)
    problem(fetch(relink(body["url"], signature="")), 403)
    past = int(time.time()) - 5
    expired = relink(body["url"], expires=past,
                     signature=sign(SIGNING_KEY.encode(), body["id"], buyer.id, past))
    problem(fetch(expired), 403)
    assert fetch(body["url"]).status_code == 200


def test_a_digital_good_is_kept_byte_for_byte(api):
    seller = api.register("seller")
    archive = b"PK\x03\x04" + os.urandom(5000)

    body = upload(api, seller, archive, "patterns.zip", "digital", "application/zip").json()

    read = fetch(body["url"])
    assert read.content == archive
    assert "filename=patterns.zip" in read.headers["Content-Disposition"]
    assert read.headers["Content-Disposition"].startswith("attachment")


# -- memory, clean-up --------------------------------------------------------------------------------
def workers_of(master_pid: int) -> list[int]:
    children = Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()
    return [int(pid) for pid in children]


def status_kib(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise AssertionError(f"no {field} for {pid}")


def test_a_20_mb_upload_keeps_the_gateways_memory_flat(api):
    seller = api.register("seller")
    archive = b"PK\x03\x04" + os.urandom(20 * MIB)
    workers = workers_of(api.gateway.proc.pid)
    for pid in workers:
        Path(f"/proc/{pid}/clear_refs").write_text("5")  # restart each peak from now
    before = {pid: status_kib(pid, "VmRSS") for pid in workers}

    response = upload(api, seller, archive, "big.zip", "digital", "application/zip")

    assert response.status_code == 201, response.text
    grown = max(status_kib(pid, "VmHWM") - before[pid] for pid in workers) * 1024
    assert grown < 6 * MIB, f"a worker's peak grew by {grown / MIB:.1f} MiB for a 20 MiB file"
    read = fetch(response.json()["url"])
    assert len(read.content) == len(archive) and read.content[:64] == archive[:64]


def test_unreferenced_uploads_are_cleaned_up_and_referenced_ones_kept(api, store):
    seller = api.register("seller")
    kept = upload(api, seller, image_bytes((1200, 900))).json()
    dropped = upload(api, seller, image_bytes((1200, 900))).json()
    unknown = str(uuid.uuid4())
    assert actions.mark_referenced(store, [kept["id"], unknown]) == {unknown}
    env = {"GATEWAY_DATABASE_URL": api.gateway.env["GATEWAY_DATABASE_URL"],
           "MEDIA_DIR": api.gateway.env["MEDIA_DIR"]}

    done = atelier("media-cleanup", "--days", "0", env=env)

    assert done.returncode == 0, done.stderr
    assert dropped["id"] in done.stdout and kept["id"] not in done.stdout
    for url in (dropped["url"], dropped["thumb_url"], dropped["page_url"]):
        assert fetch(url).status_code == 404
    problem(api.call("GET", f"/uploads/{dropped['id']}", seller), 404)
    for url in (kept["url"], kept["thumb_url"], kept["page_url"]):
        assert fetch(url).status_code == 200
