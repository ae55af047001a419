"""Who may act on a shop or an order is decided by the service that owns it; the gateway asks only
when it refuses a body itself.

API.md answers a stranger 403/404 before it answers 422 for a broken body, so ids cannot be probed
with deliberately broken bodies. A well-formed request goes to the service in one call, and the
service checks the caller before it looks at the body. Only when the gateway refuses the body
(422) does it first ask the owning service whether the caller may act there at all, and answer that
service's 403/404 instead: a second call on the error path, none on the way that matters.

A view names its check with its roles: `@blp.secured("seller", owner=shop_owner)`; the check runs
between the role check and the body's parsing, whatever order the decorators are written in.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from flask import abort
from werkzeug.exceptions import UnprocessableEntity

from . import auth, services

# A check of the caller against the view's arguments (`shop_id`, ...): it raises a 403 or 404.
Check = Callable[[dict], None]


def checked_when_refused(check: Check) -> Callable[[Callable], Callable]:
    """Run `check(view kwargs)` (it raises a 403/404) only when the view refuses the body (422)."""

    def decorate(view: Callable) -> Callable:
        @functools.wraps(view)
        def checked(*args, **kwargs):
            try:
                return view(*args, **kwargs)
            except UnprocessableEntity:
                check(kwargs)  # raises the service's 403/404 for a stranger
                raise

        return checked

    return decorate


def shop_owner(kwargs: dict) -> None:
    """The caller owns the shop (an admin acts on any)."""
    identity = auth.current_identity()
    if "admin" in identity.roles:
        return
    mine = services.call("catalog", "seller_shop", identity.user_id) or {}
    if str(mine.get("shop_id")) != str(kwargs["shop_id"]):
        abort(403, description="This is not your shop.")


def product_owner(kwargs: dict) -> None:
    """The caller's shop holds this product; a product the caller may not see is a 404."""
    identity = auth.current_identity()
    mine = services.start("catalog", "seller_shop", identity.user_id)
    product = services.start("catalog", "get_product", str(kwargs["product_id"]))
    shop = services.result(mine) or {}
    found = services.result(product)  # NotFound → 404
    if str(found["shop_id"]) != str(shop.get("shop_id")):
        abort(403, description="This product is not in your shop.")


def order_party(kwargs: dict) -> None:
    """The caller is a party to the order (the orders service answers 404 to anyone else)."""
    services.call("orders", "get_order", str(kwargs["order_id"]))  # NotFound → 404

