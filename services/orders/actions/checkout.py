"""Checkout: one order per listed shop, made from that shop's cart group.

    1. write a `checkout_attempts` row (state `reserving`, the order ids to be) and commit it; it
       claims the Idempotency-Key, so a replay is found when this row cannot be written
    2. read the listed shops' cart groups; per shop, ONE catalog call prices every line (never
       the client's prices), tells the shop's terms (prepayment, confirm window, contact methods,
       vacation) and holds the stock for its order, all lines or none; shipping prices the chosen
       delivery method; totals by the domain. Each listed shop's terms must allow the checkout
       (the chosen contact method is one it offers; no vacation without cart under way: 409
       naming the shop), and what they refuse is the answer before any other refusal, as if they
       had been checked first: when a call refuses, the terms are asked of the catalog
       (`get_shop`) before that refusal is given. On any refusal every hold made is released, the
       attempt deleted, and the checkout refused (409 naming the lines short)
    3. ONE transaction: the orders, their lines and `placed` history, `order.placed` events, the
       cart lines taken, the attempt marked `done` (it must still be `reserving`: see recovery)
    4. the catalog makes the holds final when it handles `order.placed` (sent through the outbox,
       so it cannot be lost)

A process that dies between 1 and 3 leaves an attempt `reserving` and no order: the recovery job
(`recovery.py`) releases its reservations once it is older than any live checkout can be. One that
dies after 3 leaves a complete order whose `order.placed` is in the outbox. So after a crash there
is a whole order or none, and no stock stays held for nothing.

The Idempotency-Key is unique per buyer (or guest e-mail): a replay returns the same orders and
creates nothing; the same key with a different body is a Conflict; a replay while the first is
still running is a Conflict too (try again). A failed checkout frees its key.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import uuid
from collections import defaultdict
from decimal import Decimal
from typing import Any

from sqlalchemy import bindparam, delete, select, update
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.exc import IntegrityError

from services.common import clock, failpoints
from services.common.caller import Caller
from services.common.errors import Conflict, Invalid, NotFound, ServiceError
from services.common.money import Money
from services.common.uow import UnitOfWork

from ..domain import (
    Role,
    closed_by_vacation,
    compute_totals,
    contact_method_refusal,
    placed_entry,
)
from ..models import Cart, CartItem, CheckoutAttempt, HistoryRow, Order, OrderLine
from .common import (
    Party,
    add_history,
    order_view,
    placed_event,
    refresh_next_check,
    token_hash,
    with_lines,
)


def _owner(caller: Caller, body: dict[str, Any]) -> str:
    if not caller.anonymous:
        if body.get("guest"):
            raise Invalid("A signed-in buyer checks out without `guest`.", "invalid",
                          {"guest": ["Only for a checkout without an account."]})
        return caller.user_id
    if not body.get("guest"):
        raise Invalid("Sign in, or give the guest's contacts.", "invalid",
                      {"guest": ["Required without an account."]})
    return "guest:" + body["guest"]["email"].strip().lower()


def _request_hash(body: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(body, sort_keys=True, default=str).encode()).hexdigest()


def checkout(uow: UnitOfWork, caller: Caller, data: dict[str, Any]) -> dict[str, Any]:
    """`data`: the checkout's body and its `idempotency_key` (required)."""
    body = {k: v for k, v in data.items() if k != "idempotency_key"}
    owner = _owner(caller, body)
    key = data["idempotency_key"]
    digest = _request_hash(body)
    _check_listing(caller, body)
    # The attempt's row claims the key: a key seen before is a replay (or a conflict), found when
    # the row cannot be written, so a new checkout spends no read on looking for one.
    order_ids = [str(uuid.uuid4()) for _ in body["shops"]]
    token = secrets.token_urlsafe(24) if caller.anonymous else None
    groups: list[tuple[dict, list[dict]]] = []
    attempt_id = _start(uow, owner, key, digest, order_ids, token,
                        read=lambda session: groups.extend(_groups(session, caller, body)))
    if attempt_id is None:
        return _replay(uow, caller, owner, key, digest) or _in_progress()

    held: list[str] = []
    try:
        try:
            plans = [_plan(uow.peers, body, order_id, shop, lines, held)
                     for order_id, (shop, lines) in zip(order_ids, groups, strict=True)]
        except (Invalid, Conflict, NotFound):
            _check_shops(body, _asked(uow.peers))  # the terms' refusal comes first
            raise
        _check_shops(body, lambda index, _shop_id: plans[index]["terms"])
        failpoints.hit("orders.checkout.after_reserve")
        result = _write_orders(uow, caller, body, attempt_id, plans, token)
    except BaseException:
        _abandon(uow, attempt_id, held)
        raise
    failpoints.hit("orders.checkout.after_commit")
    return result


def _in_progress():
    raise Conflict("A checkout with this Idempotency-Key is still running; try again.",
                   "checkout_in_progress")


def _replay(uow, caller, owner, key, digest) -> dict[str, Any] | None:
    # Reads only; a done attempt's orders are committed with it, so no transaction is needed.
    with uow.reading() as session:
        attempt = session.scalars(select(CheckoutAttempt).where(
            CheckoutAttempt.owner == owner, CheckoutAttempt.idempotency_key == key)).first()
        if attempt is None:
            return None
        if attempt.request_hash != digest:
            raise Conflict("This Idempotency-Key was used for a different checkout.",
                           "idempotency_key_reused")
        if attempt.state != "done":
            _in_progress()
        return _result(session, caller, attempt.order_ids, attempt.access_token)


def _result(session, caller, order_ids, token) -> dict[str, Any]:
    orders = session.scalars(with_lines(select(Order)).where(Order.id.in_(order_ids))).all()
    by_id = {o.id: o for o in orders}
    return _views([by_id[i] for i in order_ids], caller, token)


def _views(orders: list[Order], caller, token) -> dict[str, Any]:
    who = Party(Role.BUYER, caller.user_id)
    result: dict[str, Any] = {"orders": [order_view(order, who) for order in orders]}
    if token:
        result["access_token"] = token
    return result


# 2. What each shop's order will be (the body's own checks come first) ----------------------------
def _check_listing(caller, body) -> None:
    """What the body alone can refuse, before anything is written."""
    if body.get("promo_code"):
        raise Invalid("Unknown promo code.", "unknown_promo_code",
                      {"promo_code": ["No such code for this shop."]})
    listed = body["shops"]
    ids = [str(s["shop_id"]) for s in listed]
    if len(set(ids)) != len(ids):
        raise Invalid("Each shop is listed once.", "invalid", {"shops": ["Duplicate shop."]})
    if caller.anonymous:
        missing = {f"shops.{i}.items": ["A guest lists the items."]
                   for i, s in enumerate(listed) if not s.get("items")}
        if missing:
            raise Invalid("A guest's checkout lists its items per shop.", "invalid", missing)
        refusal = contact_method_refusal(body.get("contact_method"), None, guest=True)
        if refusal:
            raise Invalid(refusal, "contact_method_not_offered", {"contact_method": [refusal]})


def _check_shops(body, terms_of) -> None:
    """Each listed shop's terms (`terms_of(index, shop_id)`) allow this checkout: it offers the
    chosen contact method, and no vacation without cart is under way (lines put in the cart
    before it began wait for its end)."""
    chosen = body.get("contact_method")
    closed: dict[str, list[str]] = {}
    away: list[str] = []
    for index, listed in enumerate(body["shops"]):
        shop_id = str(listed["shop_id"])
        terms = terms_of(index, shop_id)
        refusal = contact_method_refusal(chosen, terms.get("contact_methods"), guest=False)
        if refusal:
            raise Invalid(refusal, "contact_method_not_offered", {"contact_method": [refusal]})
        vacation = terms.get("vacation")
        if closed_by_vacation(vacation):
            message = vacation.get("message") or ""
            away.append(shop_id)
            closed[f"shops.{index}.shop_id"] = [
                f"Shop {shop_id} is on vacation until {vacation.get('ends_on')}"
                + (f": {message}" if message else "") + "."]
    if closed:
        raise Conflict(f"A shop is on vacation and takes no orders now: {', '.join(away)}.",
                       "shop_on_vacation", closed)


def _asked(peers):
    """The shops' terms as the catalog tells them on their own (`get_shop`)."""
    def terms_of(index: int, shop_id: str) -> dict[str, Any]:
        try:
            return peers.catalog.shop_terms(shop_id)
        except NotFound:
            raise Invalid("No such shop.", "invalid",
                          {f"shops.{index}.shop_id": ["No such shop."]}) from None
    return terms_of


# The listed shops' lines only, whatever else the cart holds (built once).
_CART_LINES = (
    select(CartItem.id, CartItem.shop_id, CartItem.product_id, CartItem.quantity,
           CartItem.options)
    .join(Cart, Cart.id == CartItem.cart_id)
    .where(Cart.buyer_id == bindparam("buyer_id"),
           CartItem.shop_id.in_(bindparam("shop_ids", expanding=True)))
    .order_by(CartItem.added_at, CartItem.id)
)


def _groups(session, caller, body) -> list[tuple[dict, list[dict]]]:
    """(the shop's entry in the body, its lines) per listed shop, from the cart or the body."""
    listed = body["shops"]
    ids = [str(s["shop_id"]) for s in listed]
    if caller.anonymous:
        return [(s, [{**line, "product_id": str(line["product_id"]), "cart_item_id": None}
                     for line in s["items"]]) for s in listed]
    by_shop: dict[str, list[dict]] = defaultdict(list)
    items = session.execute(_CART_LINES, {"buyer_id": caller.user_id, "shop_ids": ids}).all()
    for item in items:
        by_shop[item.shop_id].append({"product_id": item.product_id, "quantity": item.quantity,
                                      "options": item.options, "cart_item_id": item.id})
    empty = {f"shops.{i}.shop_id": ["Nothing in the cart from this shop."]
             for i, shop_id in enumerate(ids) if not by_shop.get(shop_id)}
    if empty:
        raise Invalid("Some listed shops have nothing in the cart.", "empty_cart_group", empty)
    return [(s, by_shop[str(s["shop_id"])]) for s in listed]


def _plan(peers, body, order_id: str, shop: dict, lines: list[dict], held: list[str]) -> dict:
    """The shop's order priced, with its stock held (its id added to `held` until the catalog
    says it holds nothing)."""
    shop_id = str(shop["shop_id"])
    held.append(order_id)
    try:
        answer = peers.catalog.hold(order_id, shop_id, lines)
    except (Invalid, Conflict, NotFound) as refusal:  # refused: the catalog holds nothing for it
        held.remove(order_id)
        if refusal.code == "not_this_shop":
            strangers = [str(lines[int(path.split(".")[1])]["product_id"])
                         for path in refusal.errors]
            raise Invalid("Some items are not from this shop.", "invalid",
                          {"shops": [f"{p} is not sold by {shop_id}" for p in strangers]}) from None
        raise
    quotes, terms = answer["lines"], answer["terms"]
    currency = quotes[0]["total"]["currency"]
    items_total = sum(q["total"]["amount"] for q in quotes)
    address = body["shipping_address"]
    destination = {k: address.get(k) for k in ("country", "region", "city")}
    try:
        method = peers.shipping.price_for_checkout(shop_id, shop["delivery_method_id"],
                                                   destination, quotes, items_total, currency)
    except Invalid as refusal:
        raise Invalid(refusal.detail, refusal.code, {
            f"shops.{shop_id}.{k}": v for k, v in (refusal.errors or {
                "delivery_method_id": [refusal.detail]}).items()}) from None
    delivery = None if method["cost"] is None else Money(method["cost"], currency)
    surcharge_percent = Decimal(str(terms.get("surcharge_percent") or 0))  # "5.00" over the wire
    totals = compute_totals([Money(q["total"]["amount"], currency) for q in quotes], delivery,
                            None, surcharge_percent)
    merged = [{**line, **quote} for line, quote in zip(lines, quotes, strict=True)]
    return {"order_id": order_id, "shop_id": shop_id, "terms": terms, "method": method,
            "totals": totals, "surcharge_percent": surcharge_percent, "lines": merged,
            "currency": currency}


# 1. The attempt, and its undoing when the checkout is refused ------------------------------------
def _start(uow, owner, key, digest, order_ids, token, read=None) -> str | None:
    """Record the attempt before reserving; None when the same key won a race. `read(session)`,
    if given, runs once the key is claimed (checkout reads its cart lines there: `_groups`); a
    refusal it raises leaves no attempt.

    The attempt is one row, committed as it is written (outside a transaction: no BEGIN and
    COMMIT round trips), and the read that follows sees what is committed when it runs, as it
    would inside a transaction."""
    attempt_id = str(uuid.uuid4())
    try:
        with uow.reading() as session:
            session.execute(_NEW_ATTEMPT, {
                "id": attempt_id, "owner": owner, "idempotency_key": key, "request_hash": digest,
                "state": "reserving", "order_ids": order_ids, "access_token": token,
                "created_at": clock.now()})
            if read is not None:
                try:
                    read(session)
                except BaseException:
                    session.execute(_DROP_ATTEMPT, {"attempt_id": attempt_id})
                    raise
    except IntegrityError:
        return None
    return attempt_id


_NEW_ATTEMPT = CheckoutAttempt.__table__.insert()
_DROP_ATTEMPT = delete(CheckoutAttempt.__table__).where(
    CheckoutAttempt.__table__.c.id == bindparam("attempt_id"))


def _abandon(uow, attempt_id: str, reserved: list[str]) -> None:
    """Give back whatever was reserved and free the key; recovery retries what fails here."""
    for order_id in reserved:
        try:
            uow.peers.catalog.release(order_id)
        except (ServiceError, RuntimeError):
            return  # the attempt stays `reserving`: recovery releases it later
    with uow:
        attempt = uow.session.get(CheckoutAttempt, attempt_id, with_for_update=True)
        if attempt is not None and attempt.state == "reserving":
            uow.session.delete(attempt)


# 3. The orders, in one transaction ---------------------------------------------------------------
def _write_orders(uow, caller, body, attempt_id, plans, token) -> dict[str, Any]:
    now = clock.now()
    guest = body.get("guest") or {}
    with uow:
        session = uow.session
        # Marks the attempt done if recovery has not undone it meanwhile (the row lock it takes
        # keeps recovery out until this commits).
        if not session.execute(_MARK_DONE, {"attempt_id": attempt_id}).rowcount:
            raise Conflict("The checkout took too long and was undone; try again.",
                           "checkout_timed_out")
        taken: list[str] = []
        placed: list[Order] = []
        for plan in plans:
            order = _new_order(caller, body, guest, plan, token, now)
            placed.append(order)
            entry = placed_entry(now, Role.BUYER, caller.user_id)
            add_history(order, at=now, by=entry.by, from_status=None,
                        to_status=entry.to_status.value, reason=None, actor_id=caller.user_id)
            refresh_next_check(order)
            uow.record("order.placed", placed_event(order, token), aggregate_id=order.id)
            taken += [line["cart_item_id"] for line in plan["lines"] if line["cart_item_id"]]
        # Written as rows, one statement per table (the objects stay out of the session: nothing
        # to flush object by object).
        session.execute(_ORDERS, [_row(order) for order in placed])
        session.execute(_LINES, [_row(line, order_id=order.id)
                                 for order in placed for line in order.lines])
        session.execute(_HISTORY, [_row(entry, order_id=order.id)
                                   for order in placed for entry in order.history])
        if taken:
            session.execute(_TAKE_FROM_CART, {"ids": taken})
        # The orders just written are all in memory, lines and history included: no read back.
        return _views(placed, caller, token)


_MARK_DONE = (update(CheckoutAttempt)
              .where(CheckoutAttempt.id == bindparam("attempt_id"),
                     CheckoutAttempt.state == "reserving")
              .values(state="done").execution_options(synchronize_session=False))
_ORDERS, _LINES, _HISTORY = (model.__table__.insert() for model in (Order, OrderLine, HistoryRow))
_TAKE_FROM_CART = delete(CartItem.__table__).where(
    CartItem.__table__.c.id.in_(bindparam("ids", expanding=True)))


def _row(obj, **more) -> dict[str, Any]:
    """A new object's column values as given (the columns left out take their defaults)."""
    given = sa_inspect(obj).dict
    row = {attr.columns[0].key: given[attr.key]
           for attr in sa_inspect(type(obj)).column_attrs if attr.key in given}
    return {**row, **more}


def _new_order(caller, body, guest, plan, token, now) -> Order:
    totals = plan["totals"]
    terms = plan["terms"]
    order = Order(
        id=plan["order_id"], shop_id=plan["shop_id"], seller_id=terms.get("owner_id"),
        buyer_id=caller.user_id, status="placed", created_by="buyer",
        guest_email=guest.get("email"), guest_name=guest.get("name"),
        guest_phone=guest.get("phone"), access_token_hash=token_hash(token) if token else None,
        shipping_address=body["shipping_address"], contact_method=body.get("contact_method"),
        comment=body.get("comment"), source=body.get("source"),
        delivery_method_id=str(plan["method"]["id"]), delivery_method_name=plan["method"]["name"],
        delivery_quoted_by_seller=plan["method"]["cost"] is None,
        currency=plan["currency"], items_total=totals.items.amount,
        delivery_cost=None if totals.delivery is None else totals.delivery.amount,
        discount=totals.discount.amount, surcharge=totals.surcharge.amount,
        grand_total=totals.grand_total.amount, surcharge_percent=plan["surcharge_percent"],
        surcharge_label=terms.get("surcharge_label"),
        prepayment_percent=terms.get("prepayment_percent") or 0,
        paid_amount=0, confirm_days=terms.get("confirm_days"),
        production_days=_production_days(plan["lines"]),
        placed_at=now, updated_at=now, notices_done=[], shipments=[],
    )
    for position, line in enumerate(plan["lines"]):
        order.lines.append(OrderLine(
            id=str(uuid.uuid4()), position=position, product_id=str(line["product_id"]),
            title=line["title"], quantity=line["quantity"], options=line.get("options") or [],
            unit_price=line["unit_price"]["amount"], total=line["total"]["amount"],
            weight_grams=line.get("weight_grams"),
        ))
    return order


def _production_days(lines: list[dict]) -> int | None:
    """Made to order: the longest production time of its lines (the catalog's dispatch days)."""
    days = [line.get("dispatch_days") or 0 for line in lines
            if line.get("stock_mode") == "made_to_order"]
    return max(days) if days else None
