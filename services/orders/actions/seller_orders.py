"""An order the seller adds on a customer's behalf (seed 001): `POST /shops/{shop_id}/orders`.

Decisions where the spec is silent:
* Only the shop's owner, as a seller (an admin is refused too); prices come from the catalog,
  unless the seller gives `amount`, the agreed items total (delivery and surcharge are added
  again, as for an amount change).
* Delivery: a `cost` the seller sets (with an optional `name`), or a `method_id` priced by
  shipping when the order carries an address; neither means the seller will quote it.
* The customer: when the gateway found a registered buyer with the customer's e-mail it passes
  their id (`customer_id`), and the order is theirs: in their list, with chat and review, and
  `order.placed` carries their `buyer_id` (the customer card counts it). Otherwise the customer is
  a guest of the shop (contacts, no account, no buyer id). Either way the response carries the
  customer's order-link token, as a guest checkout does.
* Stock is reserved as at checkout, with the same attempt/recovery protocol.
* It starts `placed`, like any other order: it shows under the seller's `open` tab, the seller
  confirms it, and the 72 h seller lapse applies to it.
"""

from __future__ import annotations

import secrets
import uuid
from typing import Any

from sqlalchemy import select

from services.common import clock, failpoints
from services.common.caller import Caller
from services.common.errors import Conflict, Forbidden
from services.common.money import Money
from services.common.uow import UnitOfWork

from ..domain import Role, change_amount, compute_totals
from ..models import CheckoutAttempt, Order
from ..ports import Shipping
from .checkout import (
    _abandon,
    _in_progress,
    _new_order,
    _request_hash,
    _start,
)
from .common import Party, add_history, order_view, placed_event, refresh_next_check, token_hash


def create_for_customer(uow: UnitOfWork, caller: Caller, data: dict[str, Any]) -> dict[str, Any]:
    """`data`: the order's body, its `shop_id`, `idempotency_key` (None: an order of its own) and
    `customer_id` (the registered buyer with the customer's e-mail, None for a guest)."""
    caller.require("seller")
    body = {k: v for k, v in data.items()
            if k not in ("shop_id", "idempotency_key", "customer_id")}
    shop_id, idempotency_key = data["shop_id"], data.get("idempotency_key")
    customer_id = data.get("customer_id")
    catalog = uow.peers.catalog
    terms = catalog.shop_terms(shop_id)
    if terms.get("owner_id") != caller.user_id:
        raise Forbidden("Only the shop's owner adds orders to it.", "not_your_shop")
    lines = [{**line, "cart_item_id": None} for line in body["lines"]]
    quotes = catalog.quote(lines)
    strangers = [q["product_id"] for q in quotes if str(q["shop_id"]) != str(shop_id)]
    if strangers:
        raise Forbidden("Some products are not this shop's.", "not_your_product",
                        {"lines": [str(p) for p in strangers]})
    currency = quotes[0]["total"]["currency"]
    method = _delivery(uow.peers.shipping, shop_id, body, quotes, currency)
    delivery = None if method["cost"] is None else Money(method["cost"], currency)
    surcharge_percent = terms.get("surcharge_percent") or 0
    totals = compute_totals([Money(q["total"]["amount"], currency) for q in quotes], delivery,
                            None, surcharge_percent)
    if "amount" in body:
        totals = change_amount(totals, Money(body["amount"], currency), surcharge_percent).totals
    plan = {"order_id": str(uuid.uuid4()), "shop_id": str(shop_id), "terms": terms,
            "method": method, "totals": totals, "surcharge_percent": surcharge_percent,
            "lines": [{**line, **quote} for line, quote in zip(lines, quotes, strict=True)],
            "currency": currency}

    owner = f"seller:{caller.user_id}"
    key = idempotency_key or f"none:{uuid.uuid4()}"
    token = secrets.token_urlsafe(24)
    attempt_id = _start(uow, owner, key, _request_hash({**body, "shop": str(shop_id),
                                                        "customer_id": customer_id}),
                        [plan["order_id"]], token)
    if attempt_id is None:
        return _replay(uow, caller, owner, key)
    reserved = [plan["order_id"]]
    try:
        catalog.reserve(plan["order_id"], plan["lines"])
        failpoints.hit("orders.seller_order.after_reserve")
        result = _write(uow, caller, body, attempt_id, plan, token, customer_id)
    except BaseException:
        _abandon(uow, attempt_id, reserved)
        raise
    return result


def _delivery(shipping: Shipping, shop_id, body, quotes, currency) -> dict[str, Any]:
    delivery = body.get("delivery") or {}
    if "cost" in delivery:
        return {"id": delivery.get("method_id"), "name": delivery.get("name"),
                "cost": delivery["cost"]}
    address = body.get("shipping_address")
    if delivery.get("method_id") and address:
        destination = {k: address.get(k) for k in ("country", "region", "city")}
        items_total = sum(q["total"]["amount"] for q in quotes)
        return shipping.price_for_checkout(shop_id, delivery["method_id"], destination, quotes,
                                           items_total, currency)
    return {"id": delivery.get("method_id"), "name": delivery.get("name"), "cost": None}


def _write(uow: UnitOfWork, caller: Caller, body, attempt_id, plan, token,
           customer_id: str | None) -> dict[str, Any]:
    now = clock.now()
    customer = body["customer"]
    shaped = {"shipping_address": body.get("shipping_address"), "comment": body.get("comment"),
              "contact_method": None, "source": None}
    with uow:
        session = uow.session
        attempt = session.get(CheckoutAttempt, attempt_id, with_for_update=True)
        if attempt is None or attempt.state != "reserving":
            raise Conflict("The order took too long and was undone; try again.",
                           "checkout_timed_out")
        customer_caller = Caller(user_id=customer_id)  # None: a guest of the shop
        order = _new_order(customer_caller, shaped, customer, plan, None, now)
        order.created_by = "seller"
        order.access_token_hash = token_hash(token)
        order.delivery_method_id = plan["method"]["id"]
        add_history(order, at=now, by=Role.SELLER, from_status=None,
                    to_status="placed", reason="placed_by_seller", actor_id=caller.user_id)
        session.add(order)
        uow.record("order.placed", placed_event(order, token), aggregate_id=order.id)
        refresh_next_check(order)
        attempt.state = "done"
        session.flush()
        return {"order": order_view(order, Party(Role.SELLER, caller.user_id)),
                "access_token": token}


def _replay(uow: UnitOfWork, caller: Caller, owner: str, key: str) -> dict[str, Any]:
    with uow.reading() as session:
        attempt = session.scalars(select(CheckoutAttempt).where(
            CheckoutAttempt.owner == owner, CheckoutAttempt.idempotency_key == key)).first()
        if attempt is None or attempt.state != "done":
            _in_progress()
        order = session.get(Order, attempt.order_ids[0])
        return {"order": order_view(order, Party(Role.SELLER, caller.user_id)),
                "access_token": attempt.access_token}

