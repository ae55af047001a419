"""Who owns a shop: asked of the catalog, checked before a request's body is read."""

from __future__ import annotations

import functools
from collections.abc import Callable

from flask import abort

from . import auth, services


def ensure_shop_owner(shop_id) -> None:
    """An admin, or the seller whose shop this is; anyone else gets 403."""
    identity = auth.current_identity()
    if "admin" in identity.roles:
        return
    mine = services.call("catalog", "seller_shop", identity.user_id) or {}
    if str(mine.get("shop_id")) != str(shop_id):
        abort(403, description="This is not your shop.")


def shop_owner_only(view: Callable) -> Callable:
    """Decorate a view taking `shop_id`; place it below `@blp.route`, above `@blp.arguments`."""

    @functools.wraps(view)
    def checked(*args, **kwargs):
        ensure_shop_owner(kwargs["shop_id"])
        return view(*args, **kwargs)

    return checked
