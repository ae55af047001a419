"""Shop-front images given by reference (product `images`, a shop's logo and banner, a collection's
cover): which upload a reference names, which uploads may serve which use (seed 003), and what a
service keeps of one. Pure rules, no app."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from gateway.media.actions import UploadInfo
from gateway.media.refs import NOT_PUBLIC, NOT_YOURS, refusal, snapshot, upload_id_of
from gateway.media.urls import absolute

UPLOAD = "3f2b8a3c-6a0e-4d6b-9a51-0c2f1d7e4b10"
BASES = ["https://cdn.atelier.test/shop", "http://127.0.0.1:8080"]


def an_upload(purpose="product_image", size=(1200, 900), owner="alice", kind="jpeg"):
    return UploadInfo(UPLOAD, owner, purpose, kind, "image/jpeg", 1000, *size, "a.jpg",
                      {}, datetime(2024, 1, 1, tzinfo=UTC), None)


@pytest.mark.parametrize("value", [
    UPLOAD, UPLOAD.upper(), f" {UPLOAD} ",
    f"http://127.0.0.1:8080/media/{UPLOAD}/original.jpg",
    f"HTTP://127.0.0.1:8080/media/{UPLOAD}/thumb.jpg",
    f"https://cdn.atelier.test/shop/media/{UPLOAD}/page.png",
    f"/media/{UPLOAD}/original.webp",
])
def test_an_upload_id_or_this_platforms_media_url_names_the_upload(value):
    assert upload_id_of(value, BASES) == UPLOAD


@pytest.mark.parametrize("value", [
    f"https://elsewhere.test/media/{UPLOAD}/original.jpg",  # another site
    f"https://cdn.atelier.test/media/{UPLOAD}/original.jpg",  # the CDN without its path
    f"http://127.0.0.1:8080/media/private/{UPLOAD}",  # a private file's link
    f"http://127.0.0.1:8080/media/{UPLOAD}/original.jpg?user=x",
    f"http://127.0.0.1:8080/media/{UPLOAD}/huge.jpg",
    f"http://127.0.0.1:8080/media/{UPLOAD}/original.gif",
    "https://img.example/1.jpg", "not-an-id", "", f"{UPLOAD}x",
])
def test_anything_else_names_no_upload(value):
    assert upload_id_of(value, BASES) is None


def test_only_the_callers_own_public_image_may_be_shown():
    assert refusal(an_upload(), "alice", "product_image") is None
    assert refusal(an_upload(owner="bob"), "alice", "product_image") == NOT_YOURS
    assert refusal(None, "alice", "product_image") == NOT_YOURS
    assert refusal(an_upload(purpose="attachment"), "alice", "product_image") == NOT_PUBLIC
    assert refusal(an_upload(purpose="digital"), "alice", "cover") == NOT_PUBLIC


def test_a_small_product_image_or_cover_is_taken_the_upload_warned_of_it():
    assert refusal(an_upload(size=(600, 450)), "alice", "product_image") is None
    assert refusal(an_upload(size=(600, 450)), "alice", "cover") is None


@pytest.mark.parametrize(("use", "size", "words"), [
    ("logo", (300, 200), "must be square"),
    ("logo", (150, 150), "at least 200x200"),
    ("banner", (1000, 300), "at least 1400 px wide"),
])
def test_a_logo_or_banner_is_held_to_seed_003_whatever_it_was_uploaded_as(use, size, words):
    assert words in refusal(an_upload(purpose="product_image", size=size), "alice", use)


def test_a_square_logo_and_a_wide_banner_pass():
    assert refusal(an_upload(size=(200, 200)), "alice", "logo") is None
    assert refusal(an_upload(size=(1400, 300)), "alice", "banner") is None


def test_a_service_keeps_paths_that_are_made_whole_when_shown():
    kept = snapshot(an_upload())

    assert kept == {"id": UPLOAD, "url": f"/media/{UPLOAD}/original.jpg",
                    "page_url": f"/media/{UPLOAD}/page.jpg",
                    "thumb_url": f"/media/{UPLOAD}/thumb.jpg", "width": 1200, "height": 900}

    class Settings:
        media_public_base_url = "https://cdn.atelier.test/shop/"

    assert absolute(Settings, kept["thumb_url"]) == (
        f"https://cdn.atelier.test/shop/media/{UPLOAD}/thumb.jpg")
    assert absolute(Settings, "https://img.example/1.jpg") == "https://img.example/1.jpg"
