"""Who may call an order route, checked before the body is read (API.md: 403/404 before 422).

- `buyer_or_guest`: checkout takes a buyer's token or none at all (a guest order); any other role,
  or a token that is present but broken, is refused before the body is looked at.
- `signed_in_or_order_link(*roles)`: a signed-in caller with one of `roles`, or, with no token at
  all, a guest holding the order link's `access` token (the orders service checks the token: a
  wrong one is 404, as for an order that does not exist). Only the moves the order link may make
  use it (cancel before confirmation, receive); everything else still needs a signed-in party.
- `order_party_or_link_only`: on a body the gateway refuses (422), first answer the orders
  service's 404 to a stranger, the order link's token counting as the guest.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from flask import abort, g, request

from .. import auth, services
from ..ownership import checked_when_refused


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


def link_access() -> str | None:
    """The order link's token, for a caller with no token of their own (None otherwise)."""
    if g.get("identity") is not None or auth.bearer_token() is not None:
        return None
    return request.args.get("access") or None


def signed_in_or_order_link(*roles: str) -> Callable[[Callable], Callable]:
    """Place below `@blp.route`, above `@blp.arguments`."""

    def decorate(view: Callable) -> Callable:
        @functools.wraps(view)
        def checked(*args, **kwargs):
            identity = g.get("identity")
            if auth.bearer_token() is not None:
                if identity is None:
                    abort(401, description="The access token is missing, expired or invalid.")
                if not identity.has_any(roles):
                    abort(403, description="Your role may not do this.")
            elif not request.args.get("access"):
                abort(401, description="Sign in, or open the order link you were sent.")
            return view(*args, **kwargs)

        return checked

    return decorate


def _order_party_or_link(kwargs: dict) -> None:
    services.call("orders", "get_order", str(kwargs["order_id"]), link_access())  # NotFound → 404


# Place below the role checks, above `@blp.arguments`, on views taking `order_id`.
order_party_or_link_only = checked_when_refused(_order_party_or_link)
