"""Who may call an order route, checked before the body is read (API.md: 403/404 before 422).

- `buyer_or_guest`: checkout takes a buyer's token or none at all (a guest order); any other role,
  or a token that is present but broken, is refused before the body is looked at.
- `order_party_only`: the caller must be able to see the order (its buyer, its seller, an admin);
  anyone else gets the orders service's 404, exactly as for an order that does not exist, so ids
  cannot be probed with deliberately broken bodies.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from flask import abort, g

from .. import auth, services


def buyer_or_guest(view: Callable) -> Callable:
    """Place below `@blp.route`, above `@blp.arguments`."""

    @functools.wraps(view)
    def checked(*args, **kwargs):
        identity = g.get("identity")
        if identity is None and auth.bearer_token() is not None:
            abort(401, description="The access token is missing, expired or invalid.")
        if identity is not None and "buyer" not in identity.roles:
            abort(403, description="Your role may not do this.")
        return view(*args, **kwargs)

    return checked


def order_party_only(view: Callable) -> Callable:
    """Decorate a view taking `order_id`; place it below `@blp.secured`, above `@blp.arguments`."""

    @functools.wraps(view)
    def checked(*args, **kwargs):
        services.call("orders", "get_order", str(kwargs["order_id"]))  # NotFound → 404
        return view(*args, **kwargs)

    return checked
