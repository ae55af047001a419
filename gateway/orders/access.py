"""Who may call an order route, checked before the body is read (API.md: 403/404 before 422).

- `buyer_or_guest`: checkout takes a buyer's token or none at all (a guest order); any other role,
  or a token that is present but broken, is refused before the body is looked at.
- `idempotency_key_required`: a checkout without an `Idempotency-Key` header is refused with 428
  naming the header (a resent checkout would otherwise order twice), before the body is read.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from flask import abort, g, request

from .. import auth
from ..problems import problem

IDEMPOTENCY_KEY = "Idempotency-Key"


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


def idempotency_key_required(view: Callable) -> Callable:
    """Place below the role checks, above `@blp.arguments`."""

    @functools.wraps(view)
    def checked(*args, **kwargs):
        if not request.headers.get(IDEMPOTENCY_KEY, "").strip():
            return problem(
                428, f"Send an {IDEMPOTENCY_KEY} header: the same key with the same body returns "
                     "the same result, so a resent request does not create anything twice.",
                errors={IDEMPOTENCY_KEY: ["Required."]}, code="idempotency_key_required")
        return view(*args, **kwargs)

    return checked
