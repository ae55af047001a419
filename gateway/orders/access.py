"""Who may call an order route, checked before the body is read (API.md: 403/404 before 422).

- `buyer_or_guest`: checkout takes a buyer's token or none at all (a guest order); any other role,
  or a token that is present but broken, is refused before the body is looked at.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from flask import abort, g

from .. import auth


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
