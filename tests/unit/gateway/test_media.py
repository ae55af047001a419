"""Media rules without a server: what a file is from its first bytes, seed 003's image rules,
signed links, and the functions other gateway areas call (`check_attachments`, `grant`,
`signed_url`, `mark_referenced`) on the in-process app."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from gateway import media
from gateway.media import images, kinds, links
from gateway.media.actions import take
from services.common.errors import Invalid, NotFound

KEY = b"k" * 32


@pytest.mark.parametrize("head,kind", [
    (b"\xff\xd8\xff\xe0\x00\x10JFIF", "jpeg"),
    (b"\x89PNG\r\n\x1a\n\x00\x00", "png"),
    (b"RIFF\x10\x00\x00\x00WEBPVP8 ", "webp"),
    (b"%PDF-1.7\n%", "pdf"),
    (b"PK\x03\x04\x14\x00", "zip"),
    (b"7z\xbc\xaf\x27\x1c\x00\x04", "7z"),
    (b"Rar!\x1a\x07\x01\x00", "rar"),
    (b"\x1f\x8b\x08\x00", "gzip"),
])
def test_a_file_is_known_by_its_first_bytes(head, kind):
    assert kinds.sniff(head).name == kind


@pytest.mark.parametrize("head", [b"", b"hello world", b"<svg xmlns=", b"GIF89a\x01\x00",
                                  b"RIFF\x00\x00\x00\x00WAVE"])
def test_anything_else_is_unknown(head):
    assert kinds.sniff(head) is None


def test_each_purpose_takes_only_its_kinds():
    assert "pdf" not in kinds.ACCEPTS["product_image"]
    assert kinds.ACCEPTS["document"] == {"pdf"}
    assert {"zip", "pdf", "jpeg"} <= kinds.ACCEPTS["digital"]
    assert kinds.is_public("logo") and not kinds.is_public("attachment")


def test_a_product_image_under_1000_px_wide_gets_a_warning_only():
    assert images.rules("product_image", 1000, 700) == []
    [warning] = images.rules("product_image", 999, 1500)
    assert "1000 px" in warning


@pytest.mark.parametrize("size", [(200, 200), (200, 204), (512, 510), (1000, 1000)])
def test_a_square_logo_of_200_px_or_more_is_accepted(size):
    assert images.rules("logo", *size) == []


@pytest.mark.parametrize("size,words", [((300, 200), "square"), ((200, 210), "square"),
                                        ((199, 199), "200x200"), ((150, 150), "200x200")])
def test_a_logo_off_square_or_too_small_is_refused(size, words):
    with pytest.raises(images.ImageRefused, match=words):
        images.rules("logo", *size)


def test_a_banner_must_be_1400_px_wide():
    assert images.rules("banner", 1400, 300) == []
    with pytest.raises(images.ImageRefused, match="1400 px"):
        images.rules("banner", 1399, 300)


def test_a_signed_link_holds_for_its_user_until_it_expires():
    signature = links.sign(KEY, "u1", "alice", 2000)
    assert links.valid(KEY, "u1", "alice", "2000", signature, now=1999)
    assert not links.valid(KEY, "u1", "alice", "2000", signature, now=2000)  # expired
    assert not links.valid(KEY, "u1", "bob", "2000", signature, now=10)  # another user
    assert not links.valid(KEY, "u2", "alice", "2000", signature, now=10)  # another file
    assert not links.valid(KEY, "u1", "alice", "2001", signature, now=10)  # a later expiry
    assert not links.valid(b"x" * 32, "u1", "alice", "2000", signature, now=10)  # another key
    assert not links.valid(KEY, "u1", "alice", "-1", signature, now=10)
    assert not links.valid(KEY, "u1", "alice", "2000", "", now=10)


def test_a_link_with_characters_no_signature_has_is_refused_not_failed():
    signature = links.sign(KEY, "u1", "alice", 2000)
    assert not links.valid(KEY, "u1", "alice", "2000", "é" + signature[1:], now=10)
    assert not links.valid(KEY, "u1", "alice", "²000", signature, now=10)  # a digit, not ASCII


# -- the functions other gateway areas call ----------------------------------------------------------
def pdf_upload(app, owner: str) -> str:
    with app.app_context():
        done = take(app.extensions["gateway_store"], app.extensions["gateway_media"],
                    app.config["GATEWAY"], owner_id=owner, purpose="attachment",
                    stream=io.BytesIO(b"%PDF-1.4 x"), filename="a.pdf")
    return done.id


@pytest.fixture
def media_app(app, tmp_path):
    from gateway.media.storage import LocalStorage

    app.extensions["gateway_media"] = LocalStorage(tmp_path / "media")
    return app


def test_attachments_must_be_the_callers_own_uploads(media_app):
    mine, theirs = pdf_upload(media_app, "alice"), pdf_upload(media_app, "bob")
    with media_app.test_request_context():
        assert [u.id for u in media.check_attachments("alice", [mine])] == [mine]
        with pytest.raises(Invalid) as refused:
            media.check_attachments("alice", [mine, theirs, "not-an-id"])
        assert set(refused.value.errors) == {"attachment_ids.1", "attachment_ids.2"}
        allowed = media.check_attachments("alice", [theirs], may_see=lambda u: u.owner_id == "bob")
        assert [u.id for u in allowed] == [theirs]


def test_a_granted_user_may_attach_and_read_a_file_and_nobody_else(media_app):
    upload_id = pdf_upload(media_app, "alice")
    with media_app.test_request_context():
        with pytest.raises(NotFound):
            media.signed_url(upload_id, "bob")
        media.grant([upload_id], ["bob"])
        media.grant([upload_id], ["bob"])  # a repeat changes nothing
        url = media.signed_url(upload_id, "bob")
        assert f"/media/private/{upload_id}?user=bob&" in url
        assert media.check_attachments("bob", [upload_id])
        [listed] = media.attachments([upload_id], "alice")
        assert listed["content_type"] == "application/pdf" and listed["size"] == 10
        with pytest.raises(NotFound):
            media.signed_url(upload_id, "carol")


def test_marking_references_names_the_ids_that_are_not_uploads(media_app):
    upload_id = pdf_upload(media_app, "alice")
    with media_app.test_request_context():
        assert media.mark_referenced([upload_id, "nope"]) == {"nope"}
        assert media.mark_referenced([upload_id]) == set()


def test_an_image_for_a_shop_comes_with_its_three_urls(media_app):
    out = io.BytesIO()
    Image.new("RGB", (1200, 800), "green").save(out, "PNG")
    with media_app.test_request_context():
        done = take(media_app.extensions["gateway_store"], media_app.extensions["gateway_media"],
                    media_app.config["GATEWAY"], owner_id="alice", purpose="cover",
                    stream=io.BytesIO(out.getvalue()), filename="c.png")
        shown = media.image(done.id)
    assert shown["thumb_url"].endswith(f"/media/{done.id}/thumb.png")
    assert shown["page_url"].endswith(f"/media/{done.id}/page.png")
    assert (shown["width"], shown["height"]) == (1200, 800)


def test_the_clean_up_removes_only_old_uploads_nothing_refers_to(media_app, tmp_path):
    from datetime import timedelta

    from gateway.media.actions import cleanup, load
    from services.common import clock

    store, storage = media_app.extensions["gateway_store"], media_app.extensions["gateway_media"]
    old, kept = pdf_upload(media_app, "alice"), pdf_upload(media_app, "alice")
    with media_app.test_request_context():
        media.mark_referenced([kept])
        media.grant([old], ["bob"])
    soon = clock.now() + timedelta(days=6)
    later = clock.now() + timedelta(days=8)

    assert cleanup(store, storage, older_than_days=7, now=soon) == []
    assert cleanup(store, storage, older_than_days=7, now=later) == [old]

    with pytest.raises(NotFound):
        load(store, old)
    assert not storage.exists(f"private/{old}/original.pdf")
    assert storage.exists(f"private/{kept}/original.pdf") and load(store, kept).referenced_at
    assert not list((tmp_path / "media" / "private").glob(f"{old}*"))  # its folder went too
