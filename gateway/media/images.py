"""Images with Pillow: verified, turned upright, stripped of EXIF, checked against the purpose's
rules (seed 003), and cut into the sizes the shop front shows.

- A file Pillow cannot fully decode, or one that would decode to more than `max_pixels` pixels
  (a decompression bomb: Pillow's warning is treated as an error), is refused (`ImageRefused`, 422).
- EXIF orientation is applied (`ImageOps.exif_transpose`) and no EXIF is written back: a phone
  photo's location never leaves the gateway. The colour profile is kept.
- Public images get three variants: `thumb` (a 400x400 square crop for listing grids), `page`
  (long side at most 1,200 px, for the product page; never enlarged) and `original` (re-encoded).
  Private images (attachments) get only the re-encoded `original`.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass, field
from typing import BinaryIO

from PIL import Image, ImageOps

from .kinds import Kind

THUMB_SIZE = 400
PAGE_LONG_SIDE = 1200
PRODUCT_RECOMMENDED_WIDTH = 1000
LOGO_MIN_SIDE = 200
LOGO_SQUARE_TOLERANCE = 0.02  # a logo may be 2% off square (a 200x204 export still counts)
BANNER_MIN_WIDTH = 1400
# Plain baseline JPEG: `optimize`/`progressive` save ~5% of the bytes for five times the CPU.
_SAVE_OPTIONS = {"jpeg": {"quality": 88}, "png": {"compress_level": 6},
                 "webp": {"quality": 85, "method": 4}}


class ImageRefused(Exception):
    """A broken image, a decompression bomb, or one that breaks its purpose's rules (422)."""


@dataclass(frozen=True)
class Variant:
    name: str  # thumb | page | original
    data: bytes
    width: int
    height: int


@dataclass
class Processed:
    width: int
    height: int
    variants: list[Variant]
    warnings: list[str] = field(default_factory=list)


def rules(purpose: str, width: int, height: int) -> list[str]:
    """Seed 003's rules for shop and product images: warnings to show, or `ImageRefused`. A
    collection's cover is held to the product images' rule (it is often one of them)."""
    if purpose in ("product_image", "cover") and width < PRODUCT_RECOMMENDED_WIDTH:
        return [f"Product images should be at least {PRODUCT_RECOMMENDED_WIDTH} px wide; "
                f"this one is {width} px and may look blurred."]
    if purpose == "logo":
        if abs(width - height) > LOGO_SQUARE_TOLERANCE * max(width, height):
            raise ImageRefused(f"A logo must be square; this one is {width}x{height} px.")
        if min(width, height) < LOGO_MIN_SIDE:
            raise ImageRefused(f"A logo must be at least {LOGO_MIN_SIDE}x{LOGO_MIN_SIDE} px; "
                               f"this one is {width}x{height} px.")
    if purpose == "banner" and width < BANNER_MIN_WIDTH:
        raise ImageRefused(f"A banner must be at least {BANNER_MIN_WIDTH} px wide; "
                           f"this one is {width} px.")
    return []


def process(stream: BinaryIO, kind: Kind, purpose: str, *, max_pixels: int,
            derivatives: bool) -> Processed:
    image = _decode(stream, kind, max_pixels)
    width, height = image.size
    found = rules(purpose, width, height)
    icc = image.info.get("icc_profile")
    original = _encode(image, kind, icc)
    variants = [Variant("original", original, width, height)]
    if derivatives:
        working = image if image.mode in ("RGB", "RGBA", "L", "LA") else image.convert("RGBA")
        page = working.copy()
        page.thumbnail((PAGE_LONG_SIDE, PAGE_LONG_SIDE), Image.Resampling.LANCZOS)
        # the thumb is cut from the page size: the same picture, a quarter of the work
        thumb = ImageOps.fit(page, (THUMB_SIZE, THUMB_SIZE), Image.Resampling.LANCZOS)
        variants.append(Variant("thumb", _encode(thumb, kind, icc), *thumb.size))
        variants.append(Variant("page", _encode(page, kind, icc), *page.size))
    return Processed(width, height, variants, found)


def _decode(stream: BinaryIO, kind: Kind, max_pixels: int) -> Image.Image:
    """Open, check the pixel count before decoding, decode fully, turn upright."""
    formats = [{"jpeg": "JPEG", "png": "PNG", "webp": "WEBP"}[kind.name]]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            stream.seek(0)
            with Image.open(stream, formats=formats) as probe:
                width, height = probe.size
                if width * height > max_pixels:
                    raise ImageRefused(
                        f"The image is {width}x{height} px; at most {max_pixels} pixels are "
                        f"accepted.")
                probe.verify()
            stream.seek(0)
            image = Image.open(stream, formats=formats)
            image.load()
            upright = ImageOps.exif_transpose(image)
    except ImageRefused:
        raise
    except (Image.DecompressionBombWarning, Image.DecompressionBombError) as exc:
        raise ImageRefused("The image decodes to too many pixels.") from exc
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        raise ImageRefused("The file is not a readable image (broken or truncated).") from exc
    return upright


def _encode(image: Image.Image, kind: Kind, icc: bytes | None) -> bytes:
    """Re-encode with no metadata but the colour profile."""
    if kind.name == "jpeg" and image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    image.info = {}  # nothing of the source's metadata rides along (EXIF, XMP, text chunks)
    out = io.BytesIO()
    options = dict(_SAVE_OPTIONS[kind.name])
    if icc:
        options["icc_profile"] = icc
    image.save(out, format=kind.name.upper(), **options)
    return out.getvalue()
