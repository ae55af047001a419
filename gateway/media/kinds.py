"""What an upload is, read from its first bytes, and which kinds each purpose takes.

The name and the Content-Type a client sends are never trusted: `sniff()` looks at the magic bytes.
"""

from __future__ import annotations

from dataclasses import dataclass

PUBLIC_PURPOSES = frozenset({"product_image", "logo", "banner", "cover"})
PRIVATE_PURPOSES = frozenset({"attachment", "document", "digital"})
PURPOSES = tuple(sorted(PUBLIC_PURPOSES | PRIVATE_PURPOSES))
DEFAULT_PURPOSE = "attachment"
SNIFF_BYTES = 16


@dataclass(frozen=True)
class Kind:
    name: str  # jpeg, png, webp, pdf, zip, 7z, rar, gzip
    content_type: str
    ext: str
    image: bool = False


JPEG = Kind("jpeg", "image/jpeg", "jpg", image=True)
PNG = Kind("png", "image/png", "png", image=True)
WEBP = Kind("webp", "image/webp", "webp", image=True)
PDF = Kind("pdf", "application/pdf", "pdf")
ZIP = Kind("zip", "application/zip", "zip")
SEVEN_ZIP = Kind("7z", "application/x-7z-compressed", "7z")
RAR = Kind("rar", "application/vnd.rar", "rar")
GZIP = Kind("gzip", "application/gzip", "gz")

KINDS = {kind.name: kind for kind in (JPEG, PNG, WEBP, PDF, ZIP, SEVEN_ZIP, RAR, GZIP)}
BY_EXT = {kind.ext: kind for kind in KINDS.values()}
IMAGES = frozenset({"jpeg", "png", "webp"})

# Which kinds each purpose accepts; anything else is 415.
ACCEPTS: dict[str, frozenset[str]] = {
    "product_image": IMAGES,
    "logo": IMAGES,
    "banner": IMAGES,
    "cover": IMAGES,
    "attachment": IMAGES | {"pdf"},
    "document": frozenset({"pdf"}),
    "digital": IMAGES | {"pdf", "zip", "7z", "rar", "gzip"},
}


def sniff(head: bytes) -> Kind | None:
    """The kind of a file from its first bytes (at least `SNIFF_BYTES`), or None."""
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head.startswith(b"%PDF-"):
        return PDF
    if head[:4] in (b"PK\x03\x04", b"PK\x05\x06"):  # a ZIP (also EPUB, and an empty archive)
        return ZIP
    if head.startswith(b"7z\xbc\xaf\x27\x1c"):
        return SEVEN_ZIP
    if head.startswith(b"Rar!\x1a\x07"):
        return RAR
    if head.startswith(b"\x1f\x8b"):
        return GZIP
    return None


def accepted_names(purpose: str) -> str:
    return ", ".join(KINDS[name].content_type for name in sorted(ACCEPTS[purpose]))


def is_public(purpose: str) -> bool:
    return purpose in PUBLIC_PURPOSES
