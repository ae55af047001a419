"""The images of catalog bodies, resolved by the gateway (which owns the uploads) before the body
goes to the catalog service (which keeps what it needs to show them, never the bytes).

Product `images` and a collection's `cover` become the images' snapshots `{id, url, page_url,
thumb_url, width, height}` (URLs as paths under the media base, so reading a product needs no call
back here); a shop's `logo_url` and `banner_url` become the path of the original. Each reference
must be the caller's own public image and meet seed 003's rules for its use, else 422 naming the
field (and the index in `images`): a `werkzeug` 422, so `ownership`'s checks answer a stranger
403/404 first.

The uploads are marked referenced before the body goes on, so the clean-up can never remove an
image a product, shop or collection is being saved with; an image marked for a body the catalog
then refuses is kept too (it stays the seller's to use).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from werkzeug.exceptions import UnprocessableEntity

from .. import auth, media

_Keep = Callable[[list[dict]], Any]

# field → (the use whose rules apply, whether it is a list, what the catalog keeps of it)
FIELDS: dict[str, tuple[str, bool, _Keep]] = {
    "images": ("product_image", True, lambda found: found),
    "cover": ("cover", False, lambda found: found[0]),
    "logo_url": ("logo", False, lambda found: found[0]["url"]),
    "banner_url": ("banner", False, lambda found: found[0]["url"]),
}


def with_images(body: dict[str, Any]) -> dict[str, Any]:
    """`body` with its image references resolved (fields absent or null are left as they are)."""
    user_id = auth.current_identity().user_id
    out, ids, errors = dict(body), [], {}
    for field, (use, many, keep) in FIELDS.items():
        if body.get(field) is None:
            continue
        values = list(body[field]) if many else [body[field]]
        found, refused = media.shop_images(user_id, field, values, use, indexed=many)
        if refused:
            errors.update(refused)
            continue
        ids += [image["id"] for image in found]
        out[field] = keep(found)
    if errors:
        error = UnprocessableEntity(description="The request has invalid fields; see errors.")
        error.data = {"messages": errors}
        raise error
    if ids and media.mark_referenced(ids):
        raise UnprocessableEntity(description="An image was removed meanwhile; upload it again.")
    return out
