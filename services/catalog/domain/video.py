"""Product videos: YouTube links only (seed 003, "Как добавить видео к товару?")."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

_YOUTUBE_ID = re.compile(r"^[A-Za-z0-9_-]{11}$")
_YOUTUBE_HOSTS = {"youtube.com", "www.youtube.com", "m.youtube.com"}


def youtube_video_id(url: str) -> str | None:
    """The video id of a YouTube link, or None for anything else (seed 003: YouTube only).

    Accepted: youtube.com/watch?v=ID, youtu.be/ID, youtube.com/shorts/ID, youtube.com/embed/ID
    (www. and m. too, http or https; a link pasted without its scheme is read as https).
    """
    text = (url or "").strip()
    if "://" not in text:
        text = "https://" + text
    parts = urlsplit(text)
    host = (parts.hostname or "").lower()
    if parts.scheme not in ("http", "https"):
        return None
    if host == "youtu.be":
        candidate = parts.path.strip("/")
    elif host in _YOUTUBE_HOSTS and parts.path.rstrip("/") == "/watch":
        candidate = (parse_qs(parts.query).get("v") or [""])[0]
    elif host in _YOUTUBE_HOSTS and parts.path.startswith(("/shorts/", "/embed/")):
        candidate = parts.path.split("/")[2]
    else:
        return None
    return candidate if _YOUTUBE_ID.match(candidate) else None


def canonical_video_url(url: str) -> str | None:
    video_id = youtube_video_id(url)
    return None if video_id is None else f"https://www.youtube.com/watch?v={video_id}"
