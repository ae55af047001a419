"""The buyer's cart: items grouped by shop. Adding checks with the catalog that the product can be
bought now (visible, in stock for the quantity, options valid, shop not on vacation without cart);
nothing is reserved, stock is taken at checkout. Prices shown are the catalog's current ones.
"""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from typing import Any

from sqlalchemy import bindparam, select, text

from services.common import clock
from services.common.caller import Caller
from services.common.errors import Conflict, Forbidden, Invalid, NotFound
from services.common.money import Money
from services.common.uow import UnitOfWork

from ..models import Cart, CartItem
from ..ports import Catalog

_LINE_ERROR = re.compile(r"^lines\.(\d+)\.")


def options_key(options: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(options, sort_keys=True).encode()).hexdigest()


def _buyer(caller: Caller) -> str:
    if caller.anonymous:
        raise Forbidden("Sign in to use a cart.", "sign_in")
    return caller.user_id


def _cart(session, buyer_id: str) -> Cart | None:
    return session.scalars(select(Cart).where(Cart.buyer_id == buyer_id)).first()


def _item(session, buyer_id: str, item_id) -> CartItem:
    item = session.get(CartItem, str(item_id))
    if item is None or item.cart.buyer_id != buyer_id:
        raise NotFound(f"Cart item {item_id} not found.", "cart_item_not_found")
    return item


def _line(item: CartItem) -> dict[str, Any]:
    return {"product_id": item.product_id, "quantity": item.quantity, "options": item.options}


def item_dict(item: CartItem, quote: dict[str, Any] | None) -> dict[str, Any]:
    return item_view({"id": item.id, "shop_id": item.shop_id, "product_id": item.product_id,
                      "quantity": item.quantity, "options": item.options}, quote)


def item_view(item: dict[str, Any], quote: dict[str, Any] | None) -> dict[str, Any]:
    """A cart item `{id, shop_id, product_id, quantity, options}` as shown, priced by `quote`
    (None: it cannot be bought now)."""
    data = {**item, "available": quote is not None}
    if quote is not None:
        data.update(title=quote["title"], unit_price=quote["unit_price"], total=quote["total"],
                    chosen_options=quote.get("options", []))
    return data


def quote_leniently(catalog: Catalog, lines: list[dict]) -> list[dict | None]:
    """Quotes for showing a cart: a line that cannot be bought any more is None, not an error."""
    result: list[dict | None] = [None] * len(lines)
    remaining = list(range(len(lines)))
    while remaining:
        try:
            quotes = catalog.quote([lines[i] for i in remaining])
        except (Conflict, Invalid) as refusal:
            bad = {remaining[int(m.group(1))] for key in refusal.errors
                   if (m := _LINE_ERROR.match(key)) and int(m.group(1)) < len(remaining)}
            if not bad:
                raise
            remaining = [i for i in remaining if i not in bad]
            continue
        for index, quote in zip(remaining, quotes, strict=True):
            result[index] = quote
        break
    return result


def get_cart(uow: UnitOfWork, caller: Caller, data: dict[str, Any]) -> dict[str, Any]:
    buyer_id = _buyer(caller)
    with uow.reading() as session:
        cart = _cart(session, buyer_id)
        items = list(cart.items) if cart else []
    quotes = quote_leniently(uow.peers.catalog, [_line(i) for i in items]) if items else []
    groups: dict[str, dict[str, Any]] = {}
    for item, quote in zip(items, quotes, strict=True):
        group = groups.setdefault(item.shop_id, {"shop_id": item.shop_id, "items": [],
                                                 "subtotal": None})
        group["items"].append(item_dict(item, quote))
        if quote is not None:
            total = Money(quote["total"]["amount"], quote["total"]["currency"])
            group["subtotal"] = (total if group["subtotal"] is None
                                 else group["subtotal"] + total)
    for group in groups.values():
        if group["subtotal"] is not None:
            group["subtotal"] = group["subtotal"].to_dict()
    return {"groups": list(groups.values())}


ADD_ITEM = "add_cart_item"  # the command's name in the command log
NOT_AVAILABLE = "not_available"  # the catalog's refusal of a product it does not show


def add_item(uow: UnitOfWork, caller: Caller, data: dict[str, Any]) -> dict[str, Any]:
    """Put a product in the cart (the same product with the same options adds up). A command
    (`uow.run_once(ADD_ITEM, ...)`): a repeated request id answers as the first time."""
    buyer_id = _buyer(caller)
    product_id, options = str(data["product_id"]), data.get("options") or {}
    key = options_key(options)
    # The answer to an earlier delivery of this command (`uow.earlier_answer`) and what the cart
    # holds of this item already, in one read.
    in_cart = (select(CartItem.quantity).join(Cart, Cart.id == CartItem.cart_id)
               .where(Cart.buyer_id == buyer_id, CartItem.product_id == product_id,
                      CartItem.options_key == key).scalar_subquery())
    with uow.reading() as session:
        stored, already = session.execute(
            select(uow.stored_answer(ADD_ITEM, caller), in_cart)).one()
    earlier = uow.answer_read(stored)
    if earlier is not None:
        return earlier
    wanted = {"product_id": product_id, "quantity": (already or 0) + data["quantity"],
              "options": options}
    try:
        [quote] = uow.peers.catalog.quote([wanted], for_cart=True)
    except Conflict as refusal:
        if refusal.code == NOT_AVAILABLE:  # no such product, or one nobody may see (disabled)
            raise NotFound(f"Product {product_id} not found.", "product_not_found") from None
        raise
    now = clock.now()
    with uow:
        session = uow.session
        cart_id = session.execute(_TOUCH_CART, {"id": str(uuid.uuid4()), "buyer_id": buyer_id,
                                                "now": now}).scalar_one()
        item_id, quantity = session.execute(_ADD_TO_ITEM, {
            "id": str(uuid.uuid4()), "cart_id": cart_id, "shop_id": quote["shop_id"],
            "product_id": product_id, "quantity": data["quantity"], "options": options,
            "options_key": key, "added_at": now}).one()
        uow.record("cart.item_added", {
            "buyer_id": buyer_id, "product_id": product_id, "shop_id": quote["shop_id"],
            "quantity": data["quantity"]}, aggregate_id=buyer_id)
        return item_view({"id": item_id, "shop_id": quote["shop_id"], "product_id": product_id,
                          "quantity": quantity, "options": options}, _scaled(quote, quantity))


# The buyer's cart, made on the first add and touched by every one, and the item of a product with
# its options, made or added to: one statement each (text, compiled once; PostgreSQL and SQLite
# share the syntax). Concurrent adds of the same item add up in the row, which the statement locks.
_TOUCH_CART = text(
    "INSERT INTO carts (id, buyer_id, created_at, updated_at) VALUES (:id, :buyer_id, :now, :now) "
    "ON CONFLICT (buyer_id) DO UPDATE SET updated_at = excluded.updated_at RETURNING id"
).bindparams(bindparam("now", type_=Cart.__table__.c.updated_at.type))
_ADD_TO_ITEM = text(
    "INSERT INTO cart_items (id, cart_id, shop_id, product_id, quantity, options, options_key, "
    "added_at) VALUES (:id, :cart_id, :shop_id, :product_id, :quantity, :options, :options_key, "
    ":added_at) ON CONFLICT (cart_id, product_id, options_key) DO UPDATE "
    "SET quantity = cart_items.quantity + excluded.quantity RETURNING id, quantity"
).bindparams(bindparam("options", type_=CartItem.__table__.c.options.type),
             bindparam("added_at", type_=CartItem.__table__.c.added_at.type))


def update_item(uow: UnitOfWork, caller: Caller, data: dict[str, Any]) -> dict[str, Any]:
    buyer_id = _buyer(caller)
    with uow.reading() as session:
        item = _item(session, buyer_id, data["item_id"])
        line = {**_line(item), "quantity": data["quantity"]}
    [quote] = uow.peers.catalog.quote([line], for_cart=True)
    with uow:
        item = _item(uow.session, buyer_id, data["item_id"])
        item.quantity = data["quantity"]
        item.cart.updated_at = clock.now()
        return item_dict(item, quote)


def remove_item(uow: UnitOfWork, caller: Caller, data: dict[str, Any]) -> None:
    buyer_id = _buyer(caller)
    with uow:
        item = _item(uow.session, buyer_id, data["item_id"])
        item.cart.updated_at = clock.now()
        uow.session.delete(item)


def _scaled(quote: dict[str, Any], quantity: int) -> dict[str, Any] | None:
    """The quote was for the cart's whole quantity of this product and options: keep it."""
    return quote if quote.get("quantity") in (None, quantity) else None
