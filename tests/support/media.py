"""Uploads as a client app makes them: images drawn with Pillow, sent to `POST /uploads`, and
media files fetched by URL; the operator CLI (`atelier media-cleanup`)."""

from __future__ import annotations

import io
import os
import subprocess

import requests
from PIL import Image

from tests.support.api import Api, User
from tests.support.harness import BIN, ROOT


def image_bytes(size: tuple[int, int], fmt: str = "JPEG", *, exif: bytes | None = None,
                mode: str = "RGB", top=(200, 30, 30), bottom=(30, 30, 200)) -> bytes:
    """An image whose top half is one colour and bottom half another (to tell which way is up)."""
    image = Image.new(mode, size, bottom)
    image.paste(top, (0, 0, size[0], size[1] // 2))
    out = io.BytesIO()
    image.save(out, fmt, **({"exif": exif} if exif else {}))
    return out.getvalue()


def upload(api: Api, user: User, data: bytes, name: str = "photo.jpg",
           purpose: str | None = "product_image", content_type: str = "image/jpeg"):
    form = {"purpose": purpose} if purpose else {}
    return api.call("POST", "/uploads", user, files={"file": (name, data, content_type)},
                    data=form)


def fetch(url: str, **kwargs) -> requests.Response:
    return requests.get(url, timeout=15, **kwargs)


def atelier(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    """The operator CLI, as an operator (or cron) runs it."""
    return subprocess.run([str(BIN / "atelier"), *args], env={**os.environ, **env}, cwd=ROOT,
                          capture_output=True, text=True, timeout=60)
