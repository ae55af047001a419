"""Cart, checkout and order routes, answered by the orders service (and shipping for shipments).

The orders service enforces ownership from the caller's identity (sent with every call); these
routes gate by role, check that the caller is a party to the order before reading a body, and shape
the answers. Offers, inquiries, uploads and custom requests live elsewhere.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from flask import abort, current_app, g, jsonify

from services.common.errors import NotFound

from .. import auth, media, services
from ..api import OPTIONAL_BEARER, PREFIX, ServiceBlueprint
from ..identity import actions as identity
from ..ownership import order_party, shop_owner
from .access import (
    buyer_or_guest,
    link_access,
    order_party_or_link_only,
    signed_in_or_order_link,
)
from .schemas import (
    AmountRequestPageSchema,
    AmountRequestQuerySchema,
    AmountRequestSchema,
    AmountSchema,
    BalanceRequestSchema,
    CartItemCreateSchema,
    CartItemPatchSchema,
    CartItemSchema,
    CartSchema,
    CheckoutResultSchema,
    CheckoutSchema,
    DeliveryCostSchema,
    IdempotencyHeaderSchema,
    MessageCreateSchema,
    MessagePageSchema,
    MessageSchema,
    NotePageSchema,
    NoteSchema,
    NoteTextSchema,
    OrderAccessQuerySchema,
    OrderListQuerySchema,
    OrderPageSchema,
    OrderSchema,
    PageQuerySchema,
    ReasonSchema,
    RequiredIdempotencyHeaderSchema,
    ReviewCreateSchema,
    ReviewPageSchema,
    ReviewSchema,
    SellerOrderCreateSchema,
    SellerOrderResultSchema,
    ShipmentCreateSchema,
    ShipmentSchema,
)

blp = ServiceBlueprint(
    "orders", __name__,
    description="Cart, checkout, orders, messages, notes, reviews (orders service)")

ORDER = "/orders/<uuid:order_id>"




def _order_link(order_id: str, token: str) -> str:
    return f"{PREFIX}/orders/{order_id}?access={token}"


# Cart ---------------------------------------------------------------------------------------------
@blp.route("/cart", methods=["GET"])
@blp.secured("buyer")
@blp.response(200, CartSchema)
def get_cart():
    """The buyer's cart, grouped by shop, priced at the catalog's current prices."""
    return services.call("orders", "get_cart")


@blp.route("/cart/items", methods=["POST"])
@blp.secured("buyer")
@blp.arguments(CartItemCreateSchema)
@blp.response(201, CartItemSchema, problems=[404, 409])
def add_cart_item(body):
    """Put a product in the cart (the same product with the same options adds up).

    Availability is checked (409 when out of stock or the shop is on vacation without cart);
    nothing is reserved: stock is taken at checkout."""
    return services.call("orders", "add_cart_item", services.as_json(body))


@blp.route("/cart/items/<uuid:item_id>", methods=["PATCH"])
@blp.secured("buyer")
@blp.arguments(CartItemPatchSchema)
@blp.response(200, CartItemSchema, problems=[404, 409])
def update_cart_item(body, item_id):
    """Change an item's quantity."""
    return services.call("orders", "update_cart_item", str(item_id), services.as_json(body))


@blp.route("/cart/items/<uuid:item_id>", methods=["DELETE"])
@blp.secured("buyer")
@blp.response(204, problems=[404])
def remove_cart_item(item_id):
    """Take an item out of the cart."""
    services.call("orders", "remove_cart_item", str(item_id))


# Checkout -----------------------------------------------------------------------------------------
@blp.route("/checkout", methods=["POST"])
@blp.doc(security=OPTIONAL_BEARER)
@buyer_or_guest
@blp.idempotency_key(RequiredIdempotencyHeaderSchema)
@blp.arguments(CheckoutSchema)
@blp.response(201, CheckoutResultSchema, problems=[401, 403, 404, 409])
def checkout(body, idempotency_key):
    """One order per listed shop, made from that shop's cart group (which leaves the cart).

    A buyer checks out with a token; a guest without one, giving `guest` and each shop's `items`.
    `accept_rules` must be true. 409 names the lines that cannot be had; stock is never oversold.
    The `Idempotency-Key` header is required (428 without it): replaying it with the same body
    returns the same orders; with another body, or while the first still runs, 409."""
    result = services.call("orders", "checkout", services.as_json(body), idempotency_key)
    token = result.get("access_token")
    if token:
        result["order_links"] = [_order_link(o["id"], token) for o in result["orders"]]
    return result


# Orders -------------------------------------------------------------------------------------------
@blp.route("/orders", methods=["GET"])
@blp.secured("buyer", "seller")
@blp.arguments(OrderListQuerySchema, location="query")
@blp.response(200, OrderPageSchema)
def list_orders(query):
    """A buyer's purchases (`as=buyer`) or a seller's shop orders (`as=seller`), newest first."""
    roles = auth.current_identity().roles
    side = query.pop("as_", None) or ("buyer" if "buyer" in roles else "seller")
    if side == "seller" and "seller" not in roles:
        abort(403, description="Only a seller lists a shop's orders.")
    return services.call("orders", "list_orders", {"as": side, **query})


@blp.route(ORDER, methods=["GET"])
@blp.doc(security=OPTIONAL_BEARER)
@blp.arguments(OrderAccessQuerySchema, location="query")
@blp.response(200, OrderSchema, problems=[401, 404])
def get_order(query, order_id):
    """The order as the caller may see it: its buyer, its seller (with private notes), an admin,
    or a guest with the order link's `access` token."""
    access = query.get("access")
    if g.get("identity") is None and (access is None or auth.bearer_token() is not None):
        abort(401, description="Sign in, or open the order link you were sent.")
    return services.call("orders", "get_order", str(order_id), access)


def _move(method: str, order_id, *args):
    return services.call("orders", method, str(order_id), *args)


def _move_route(step: str, *, problems: Iterable[int] = ()) -> Callable:
    """`POST /orders/{id}/<step>`, a move of the order's state, answered with the order: 404 for an
    order the caller may not see, 409 for a move its state refuses (and these `problems`)."""

    def declare(view: Callable) -> Callable:
        view = blp.response(200, OrderSchema, problems=[*problems, 404, 409])(view)
        return blp.route(f"{ORDER}/{step}", methods=["POST"])(view)

    return declare


@_move_route("confirm")
@blp.secured("seller")
def confirm(order_id):
    """The seller accepts a placed order: `confirmed` (awaiting payment)."""
    return _move("confirm", order_id)


@_move_route("delivery-cost")
@blp.secured("seller", owner=order_party)
@blp.arguments(DeliveryCostSchema)
def set_delivery_cost(body, order_id):
    """The seller prices a delivery method it quotes (while placed or confirmed); totals are
    recomputed and the buyer is told."""
    return _move("set_delivery_cost", order_id, body)


@_move_route("start-production")
@blp.secured("seller")
def start_production(order_id):
    """Made to order, advance paid: `partially_paid` → `in_production`."""
    return _move("start_production", order_id)


@_move_route("request-balance")
@blp.secured("seller", owner=order_party)
@blp.arguments(BalanceRequestSchema, required=False)
def request_balance(body, order_id):
    """Ask the buyer for the balance of an order in production (a note, optional photos). The
    photos are the seller's own uploads (`POST /uploads`), else 422 naming each; the buyer may
    then read them (the e-mail carries them as signed links issued to the buyer)."""
    ids = [str(i) for i in (body or {}).get("attachment_ids") or ()]
    if ids:
        services.call("orders", "get_order", str(order_id))  # a stranger: 404 before any 422
        media.check_attachments(auth.current_identity().user_id, ids)
    order = _move("request_balance", order_id, services.as_json(body))
    if ids:
        media.mark_referenced(ids)
        if order.get("buyer_id"):
            media.grant(ids, [str(order["buyer_id"])])
    return order


@_move_route("complete")
@blp.secured("seller", "admin")
def complete(order_id):
    """Close the order: `received` → `completed` (otherwise the auto-close does it)."""
    return _move("complete", order_id)


@_move_route("cancel", problems=[401, 403])
@blp.doc(security=OPTIONAL_BEARER)
@signed_in_or_order_link("buyer", "seller", "admin")
@order_party_or_link_only
@blp.arguments(ReasonSchema, required=False)
@blp.arguments(OrderAccessQuerySchema, location="query")
def cancel(body, query, order_id):
    """Cancel: the buyer before confirmation, the seller (or an admin) before shipping. A guest
    cancels through the order link (`?access=<token>`, no sign-in), before confirmation too."""
    return _move("cancel", order_id, body, link_access())


@_move_route("mark-paid")
@blp.secured("seller")
def mark_paid(order_id):
    """Payment agreed outside the platform: `paid`, whatever the prepayment percent."""
    return _move("mark_paid", order_id)


@_move_route("receive", problems=[401, 403])
@blp.doc(security=OPTIONAL_BEARER)
@signed_in_or_order_link("buyer")
@blp.arguments(OrderAccessQuerySchema, location="query")
def receive(query, order_id):
    """The buyer accepts the goods: `shipped` → `received`; a guest through the order link
    (`?access=<token>`, no sign-in)."""
    return _move("receive", order_id, link_access())


@blp.route(f"{ORDER}/amount", methods=["POST"])
@blp.secured("seller", "admin", owner=order_party)
@blp.arguments(AmountSchema)
@blp.response(200, OrderSchema, description="Applied (placed or confirmed): the order",
              problems=[404, 409])
@blp.alt_response(202, schema=AmountRequestSchema,
                  description="Later states: a request for the admin to decide")
def change_amount(body, order_id):
    """Change the items total (delivery and surcharge are added again)."""
    result = services.call("orders", "change_amount", str(order_id), body)
    if result.get("applied"):
        return result["order"]
    response = jsonify(AmountRequestSchema().dump(result["request"]))
    response.status_code = 202
    return response


@blp.route(f"{ORDER}/shipments", methods=["POST"])
@blp.secured("seller", owner=order_party)
@blp.arguments(ShipmentCreateSchema)
@blp.response(201, ShipmentSchema, problems=[404, 409])
def add_shipment(body, order_id):
    """Ship a paid order (or add a further track to a shipped one); the order becomes `shipped`
    once the orders service hears of the shipment. Tracking numbers are checked per carrier. The
    shipping service checks that the caller is the order's seller before it reads the body."""
    return services.call("shipping", "add_shipment", str(order_id), services.as_json(body))


# Messages, notes, reviews -------------------------------------------------------------------------
@blp.route(f"{ORDER}/messages", methods=["GET"])
@blp.secured("buyer", "seller")
@blp.arguments(PageQuerySchema, location="query")
@blp.response(200, MessagePageSchema, problems=[404])
def list_messages(query, order_id):
    """The conversation on the order, oldest first; attachments as expiring signed links."""
    page = services.call("orders", "list_messages", str(order_id), query)
    user_id = auth.current_identity().user_id
    return {**page, "items": [_with_attachments(m, user_id) for m in page["items"]]}


@blp.route(f"{ORDER}/messages", methods=["POST"])
@blp.secured("buyer", "seller", owner=order_party)
@blp.arguments(MessageCreateSchema)
@blp.response(201, MessageSchema, problems=[404, 409])
def post_message(body, order_id):
    """Write to the other party (not on a guest's order: use the guest's contacts); attachments
    are the writer's own uploads (`POST /uploads`), else 422 naming each."""
    user_id = auth.current_identity().user_id
    ids = [str(i) for i in body.get("attachment_ids") or ()]
    if ids:
        services.call("orders", "get_order", str(order_id))  # a stranger: 404 before any 422
        media.check_attachments(user_id, ids)
    message = services.call("orders", "post_message", str(order_id), services.as_json(body))
    if ids:
        media.mark_referenced(ids)
    return _with_attachments(message, user_id)


def _with_attachments(message: dict, user_id: str) -> dict:
    """The message's attachments as links for this reader: the orders service showed the message
    to them, so they are a party of its order and may read its files."""
    ids = [str(i) for i in message.get("attachment_ids") or ()]
    if not ids:
        return {**message, "attachments": []}
    media.grant(ids, [user_id])
    return {**message, "attachments": media.attachments(ids, user_id)}


@blp.route(f"{ORDER}/notes", methods=["GET"])
@blp.secured("seller")
@blp.arguments(PageQuerySchema, location="query")
@blp.response(200, NotePageSchema, problems=[404])
def list_notes(query, order_id):
    """The seller's private notes on the order (never shown to the buyer), oldest first."""
    notes = services.call("orders", "list_notes", str(order_id))["items"]
    page, per_page = query["page"], query["per_page"]
    start = (page - 1) * per_page
    return {"items": notes[start:start + per_page], "page": page, "per_page": per_page,
            "total": len(notes)}


@blp.route(f"{ORDER}/notes", methods=["POST"])
@blp.secured("seller", owner=order_party)
@blp.arguments(NoteTextSchema)
@blp.response(201, NoteSchema, problems=[404])
def add_note(body, order_id):
    """A private note on the order."""
    return services.call("orders", "add_note", str(order_id), body)


@blp.route(f"{ORDER}/notes/<uuid:note_id>", methods=["PATCH"])
@blp.secured("seller", owner=order_party)
@blp.arguments(NoteTextSchema)
@blp.response(200, NoteSchema, problems=[404])
def update_note(body, order_id, note_id):
    """Change a note's text."""
    return services.call("orders", "update_note", str(order_id), str(note_id), body)


@blp.route(f"{ORDER}/review", methods=["POST"])
@blp.secured("buyer", owner=order_party)
@blp.arguments(ReviewCreateSchema)
@blp.response(201, ReviewSchema, problems=[404, 409])
def post_review(body, order_id):
    """The buyer's review once the order is received; one per order (a second → 409)."""
    return services.call("orders", "post_review", str(order_id), body, _display_name())


def _display_name() -> str | None:
    """The reviewer's first name as shown publicly ("Anna" of "Anna Petrova")."""
    store = current_app.extensions["gateway_store"]
    try:
        name = identity.get_user(store, auth.current_identity().user_id).name
    except NotFound:  # the service falls back to the name on the delivery address
        return None
    words = (name or "").split()
    return words[0][:100] if words else None


@blp.route("/shops/<uuid:shop_id>/reviews", methods=["GET"])
@blp.arguments(PageQuerySchema, location="query")
@blp.response(200, ReviewPageSchema)
def shop_reviews(query, shop_id):
    """The shop's public reviews, newest first, with its average rating."""
    return services.call("orders", "shop_reviews", str(shop_id), query)


@blp.route("/products/<uuid:product_id>/reviews", methods=["GET"])
@blp.arguments(PageQuerySchema, location="query")
@blp.response(200, ReviewPageSchema)
def product_reviews(query, product_id):
    """Public reviews of orders with this product, newest first, with their average rating."""
    return services.call("orders", "product_reviews", str(product_id), query)


# Orders a seller adds -----------------------------------------------------------------------------
@blp.route("/shops/<uuid:shop_id>/orders", methods=["POST"])
@blp.secured("seller", owner=shop_owner)
@blp.idempotency_key(IdempotencyHeaderSchema, required=False)
@blp.arguments(SellerOrderCreateSchema)
@blp.response(201, SellerOrderResultSchema, problems=[404, 409])
def create_seller_order(body, shop_id, idempotency_key=None):
    """An order on a customer's behalf, `placed` like any other (the seller confirms it). When the
    customer's e-mail is a registered buyer's, the order is theirs (their list, chat, review);
    otherwise the customer is a guest. Either way the customer reads it through `order_link`."""
    store = current_app.extensions["gateway_store"]
    customer_id = identity.buyer_id_by_email(store, body["customer"]["email"])
    result = services.call("orders", "create_seller_order", str(shop_id), services.as_json(body),
                           idempotency_key, customer_id)
    result["order_link"] = _order_link(result["order"]["id"], result["access_token"])
    return result


# The admin's queue of amount changes --------------------------------------------------------------
@blp.route("/admin/amount-requests", methods=["GET"])
@blp.secured("admin")
@blp.arguments(AmountRequestQuerySchema, location="query")
@blp.response(200, AmountRequestPageSchema)
def list_amount_requests(query):
    """Sellers' requests to change the amount of orders past confirmation, oldest first
    (`status=pending` by default; `all` for every one)."""
    if query.get("status") == "all":
        query["status"] = None
    return services.call("orders", "list_amount_requests", query)


def _decide(request_id, approve: bool):
    return services.call("orders", "decide_amount_request", str(request_id), approve)


@blp.route("/admin/amount-requests/<uuid:request_id>/approve", methods=["POST"])
@blp.secured("admin")
@blp.response(200, AmountRequestSchema, problems=[404, 409])
def approve_amount_request(request_id):
    """Apply the requested amount to the order."""
    return _decide(request_id, True)


@blp.route("/admin/amount-requests/<uuid:request_id>/reject", methods=["POST"])
@blp.secured("admin")
@blp.response(200, AmountRequestSchema, problems=[404, 409])
def reject_amount_request(request_id):
    """Leave the order's amount as it is."""
    return _decide(request_id, False)
