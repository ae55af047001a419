"""Identity's HTTP routes: register, login, me, and the customer card."""

from __future__ import annotations

from flask import abort, current_app

from services.common.errors import NotFound

from .. import auth, services
from ..api import PREFIX, Blueprint
from ..problems import problem
from . import actions
from .schemas import (
    CustomerCardSchema,
    LoginSchema,
    MeSchema,
    RegisterSchema,
    TokenSchema,
    UserSchema,
)

blp = Blueprint("identity", __name__, url_prefix=PREFIX,
                description="Accounts, tokens, and what a seller may see of a customer")


def _store():
    return current_app.extensions["gateway_store"]


def _settings():
    return current_app.config["GATEWAY"]


@blp.route("/auth/register", methods=["POST"])
@blp.arguments(RegisterSchema)
@blp.response(201, UserSchema, problems=[409])
def register(data):
    """Open a buyer or seller account."""
    return actions.register(_store(), **data)


@blp.route("/auth/login", methods=["POST"])
@blp.arguments(LoginSchema)
@blp.response(200, TokenSchema, problems=[401, 429])
def login(data):
    """Exchange an e-mail and password for an access token."""
    settings = _settings()
    try:
        user = actions.login(_store(), email=data["email"], password=data["password"],
                             policy=actions.policy_from(settings))
    except actions.LoginRefused:
        abort(401, description="Wrong e-mail or password.")
    except actions.LoginThrottled as exc:
        return problem(429, "Too many failed logins for this account; try again later.",
                       headers={"Retry-After": str(exc.retry_after)})
    token = auth.issue_token(user.id, user.roles, settings.secret_key, settings.token_ttl_seconds)
    return {"access_token": token, "token_type": "Bearer", "expires_in": settings.token_ttl_seconds}


@blp.route("/me", methods=["GET"])
@blp.secured()
@blp.response(200, MeSchema, problems=[503])
def me():
    """The signed-in user; a seller's `shop_id` comes from the catalog."""
    identity = auth.current_identity()
    try:
        user = actions.get_user(_store(), identity.user_id)
    except NotFound:
        abort(401, description="The access token names an account that no longer exists.")
    body = {"id": user.id, "email": user.email, "name": user.name, "roles": user.roles}
    if "seller" in user.roles:
        shop = services.call("catalog", "seller_shop", user.id) or {}
        body["shop_id"] = shop.get("shop_id")
    return body


@blp.route("/customers/<uuid:user_id>", methods=["GET"])
@blp.secured("seller", "admin")
@blp.response(200, CustomerCardSchema, problems=[404, 503])
def customer_card(user_id):
    """What a seller (with an order from this customer) or an admin may know of a customer."""
    user = actions.get_user(_store(), str(user_id))
    orders = services.start("orders", "customer_stats", user.id)
    moderation = services.start("moderation", "customer_stats", user.id)
    order_stats = services.result(orders) or {}
    moderation_stats = services.result(moderation) or {}
    return {
        "registered_at": user.registered_at,
        "orders_closed": order_stats.get("orders_closed", 0),
        "orders_cancelled": order_stats.get("orders_cancelled", 0),
        "reviews_left": order_stats.get("reviews_left", 0),
        "complaints_from_sellers": moderation_stats.get("complaints_from_sellers", 0),
    }
