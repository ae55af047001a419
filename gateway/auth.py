"""Access tokens and who may call what.

Tokens are HS256 JWTs: `sub` (user id), `roles`, `iat`, `exp`, `iss`. Expiry is checked against the
platform clock (`services.common.clock`), so tests that move the clock move tokens too.

Routes declare who may call them with `@requires("seller")` (any listed role) or
`@requires()` (any signed-in user). The check runs in a `before_request` hook, ahead of body
parsing, so 401/403 come before 413/415/422 (API.md: "403 ... checked before the body is validated").
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import jwt
from flask import abort, current_app, g, request

from services.common import clock

ISSUER = "atelier-gateway"
ALGORITHM = "HS256"
_AUTH_ATTR = "_gateway_roles"


class InvalidToken(Exception):
    pass


@dataclass(frozen=True)
class Identity:
    user_id: str
    roles: tuple[str, ...]

    def has_any(self, roles: tuple[str, ...]) -> bool:
        return not roles or any(role in self.roles for role in roles)


def issue_token(user_id: str, roles: list[str] | tuple[str, ...], secret: str,
                ttl_seconds: int) -> str:
    now = clock.now()
    claims = {
        "sub": user_id,
        "roles": list(roles),
        "iat": int(now.timestamp()),
        "exp": int((now + timedelta(seconds=ttl_seconds)).timestamp()),
        "iss": ISSUER,
    }
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


def read_token(token: str, secret: str) -> Identity:
    identity, exp = _verified(token, secret)
    if exp <= clock.now().timestamp():
        raise InvalidToken("token expired")
    return identity


@functools.lru_cache(maxsize=4096)
def _verified(token: str, secret: str) -> tuple[Identity, float]:
    """A token's signature and claims, checked once: what a token says never changes, so a client
    sending the same token again costs a dictionary look-up. Expiry is checked on every use (above);
    a refused token is not remembered."""
    try:
        claims = jwt.decode(
            token, secret, algorithms=[ALGORITHM], issuer=ISSUER,
            options={"require": ["sub", "exp", "iat", "iss"], "verify_exp": False},
        )
    except jwt.PyJWTError as exc:
        raise InvalidToken(str(exc)) from exc
    exp = claims["exp"]
    roles = claims.get("roles")
    if (not isinstance(exp, int | float) or not isinstance(claims["sub"], str)
            or not isinstance(roles, list)):
        raise InvalidToken("malformed claims")
    return Identity(claims["sub"], tuple(str(r) for r in roles)), exp


def requires(*roles: str) -> Callable:
    """Mark a view as needing a signed-in caller with any of `roles` (any role when none given)."""

    def mark(view: Callable) -> Callable:
        setattr(view, _AUTH_ATTR, tuple(roles))
        return view

    return mark


def bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def authenticate() -> None:
    """before_request: set `g.identity` from the token; refuse per the view's `@requires`."""
    g.identity = None
    view = current_app.view_functions.get(request.endpoint) if request.endpoint else None
    roles = _view_roles(view)
    token = bearer_token()
    if token is not None:
        try:
            g.identity = read_token(token, current_app.config["GATEWAY"].secret_key)
        except InvalidToken:
            if roles is not None:
                abort(401, description="The access token is missing, expired or invalid.")
    if roles is None:
        return
    if g.identity is None:
        abort(401, description="The access token is missing, expired or invalid.")
    if not g.identity.has_any(roles):
        abort(403, description="Your role may not do this.")


def _view_roles(view: Any) -> tuple[str, ...] | None:
    # flask-smorest wraps views with functools.wraps, which copies the marker outward, and
    # keeps the original as __wrapped__; look at both.
    while view is not None:
        roles = getattr(view, _AUTH_ATTR, None)
        if roles is not None:
            return roles
        view = getattr(view, "__wrapped__", None)
    return None


def current_identity() -> Identity:
    identity = g.get("identity")
    if identity is None:  # a view marked @requires never gets here without one
        abort(401, description="The access token is missing, expired or invalid.")
    return identity


def rpc_context() -> dict[str, Any]:
    """The context data every service call carries (Nameko sends it as `nameko.<key>` headers)."""
    identity = g.get("identity")
    return {
        "request_id": g.get("request_id"),
        # A command is applied once per id: the client's Idempotency-Key, else this request's id.
        "command_id": request.headers.get("Idempotency-Key") or g.get("request_id"),
        "user_id": identity.user_id if identity else None,
        "roles": list(identity.roles) if identity else [],
    }
