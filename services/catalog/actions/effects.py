"""What other services' events do to the catalog. Each takes the unit of work of the handler's
transaction (the event id claimed in the inbox in it, so a redelivery does nothing) and the
event's data.

shop.sanctioned / shop.sanction_lifted   the sanctions in force give the shop's status (the most
    severe wins) and a product's `hidden_by_moderation`; both are recomputed from the stored
    sanctions, so overlapping sanctions lifted in any order leave the right state. A product
    hidden this way records `product.hidden`. A sanction naming a shop the catalog does not know is
    stored and changes nothing.
shop.verified                            the `reliable_seller` label (and the popularity bonus)
shop.payment_settings_changed            `online_payment` (and the popularity bonus)
order.placed                             the order's lines are kept (domain/sales.py); its held
                                         stock becomes committed
order.paid                               a sale per product of the order (popularity, `hit`);
                                         before its order.placed: TooEarly
order.cancelled / order.expired          the order's stock is released; a paid order's sales
                                         are taken back
order.shipped                            the order's units leave the quantity on hand
review.posted                            a public review: its rating in the shop's rating, and
                                         the review count and rating sum of each product reviewed
cart.item_added                          a cart add (popularity)

What a product page shows changed here is announced for the caches in front of the catalog:
`shop.updated` (status, label, online payment), `product.updated` (hidden by moderation, the
`hit` label won or lost by a sale), `product.stock_changed` (units given back).

Product page views are not events: each is appended to `product_views`, and `fold_views` (a timer)
adds them to their products' counters in batches.

Counters (sales, reviews, cart adds, views) are gathered along the transaction and added once, just
before it commits (`uow.before_commit`): a popular product's row is locked for the last statements
only, and a batch of events naming it locks and rescores it once.
"""

from __future__ import annotations

import logging
from collections import Counter
from typing import Any

from sqlalchemy import bindparam, delete, select, text

from services.catalog.domain.sales import (
    OrderFact,
    PaidBeforePlaced,
    SaleState,
    bought_products,
    kept_lines,
    sale_change,
)
from services.catalog.domain.shops import status_from_sanctions
from services.catalog.models import OrderSale, ProductView, Sanction, Shop
from services.common.errors import Conflict
from services.common.runtime.messaging import TooEarly
from services.common.uow import UnitOfWork

from . import shops, signals, stock
from .common import find_product, find_shop, now

log = logging.getLogger(__name__)
PRODUCT_HIDDEN = "product_hidden"


def shop_sanctioned(uow: UnitOfWork, data: dict[str, Any]) -> None:
    session = uow.session
    sanction_id = str(data["sanction_id"])
    if session.get(Sanction, sanction_id) is None:
        product_id = data.get("product_id")
        session.add(Sanction(
            id=sanction_id, shop_id=str(data["shop_id"]), kind=data["kind"],
            product_id=None if product_id is None else str(product_id),
            reason=data.get("reason") or "", created_at=now(),
        ))
        session.flush()
    _apply_sanctions(uow, data)


def sanction_lifted(uow: UnitOfWork, data: dict[str, Any]) -> None:
    session = uow.session
    sanction = session.get(Sanction, str(data["sanction_id"]))
    if sanction is not None:
        session.delete(sanction)
        session.flush()
    _apply_sanctions(uow, data)


def _apply_sanctions(uow: UnitOfWork, data: dict[str, Any]) -> None:
    session = uow.session
    shop = find_shop(session, data["shop_id"], lock=True)
    if shop is None:
        log.warning("sanction for unknown shop %s stored", data["shop_id"])
        return
    if data["kind"] == PRODUCT_HIDDEN:
        if data.get("product_id") is not None:
            _rehide_product(uow, shop, str(data["product_id"]), data)
        return
    kinds = session.execute(
        select(Sanction.kind).where(Sanction.shop_id == shop.id, Sanction.kind != PRODUCT_HIDDEN)
    ).scalars()
    status = status_from_sanctions(kinds).value
    if status != shop.status:
        shop.status = status
        shop.updated_at = now()
        signals.relist_shop(session, shop)
        shops.record_updated(uow, shop)


def _rehide_product(uow: UnitOfWork, shop: Shop, product_id: str, data: dict[str, Any]) -> None:
    session = uow.session
    product = find_product(session, product_id, lock=True)
    if product is None or product.shop_id != shop.id:
        return
    hidden = session.execute(
        select(Sanction.id).where(Sanction.product_id == product.id,
                                  Sanction.kind == PRODUCT_HIDDEN).limit(1)
    ).first() is not None
    if hidden == product.hidden_by_moderation:
        return
    was_listed = product.listed
    product.hidden_by_moderation = hidden
    signals.refresh(product, shop)
    product.updated_at = now()
    ref = {"product_id": product.id, "shop_id": shop.id}
    uow.record("product.updated", ref, aggregate_id=product.id)
    if was_listed and not product.listed:
        uow.record("product.hidden", {**ref, "reason": data.get("reason") or "moderation"},
                   aggregate_id=product.id)


def shop_verified(uow: UnitOfWork, data: dict[str, Any]) -> None:
    shop = find_shop(uow.session, data["shop_id"], lock=True)
    if shop is not None and not shop.reliable_seller:
        shop.reliable_seller = True
        shop.updated_at = now()
        signals.rescore_shop(uow.session, shop)
        shops.record_updated(uow, shop)


def payment_settings_changed(uow: UnitOfWork, data: dict[str, Any]) -> None:
    shop = find_shop(uow.session, data["shop_id"], lock=True)
    if shop is None:
        return
    terms = {"timing": data.get("timing"),
             "surcharge_percent": (None if data.get("surcharge_percent") is None
                                   else str(data["surcharge_percent"])),
             "surcharge_label": data.get("surcharge_label")}
    if shop.payment_terms != terms:
        shop.payment_terms = terms
        shop.updated_at = now()
    online = bool(data["online_payment"])
    if shop.online_payment != online:
        shop.online_payment = online
        shop.updated_at = now()
        signals.rescore_shop(uow.session, shop)
        shops.record_updated(uow, shop)


def order_placed(uow: UnitOfWork, data: dict[str, Any]) -> None:
    """The order's lines are kept until it is paid; its held stock becomes final."""
    _order_sale(uow, str(data["order_id"]), OrderFact.PLACED, data["lines"])
    was = stock.make_final(uow.session, data["order_id"])
    if was != stock.HELD:
        log.info("order %s placed without a held reservation (%s)", data["order_id"], was)


def order_paid(uow: UnitOfWork, data: dict[str, Any]) -> None:
    """Paid (online or marked paid by the seller): one sale per product of the order (ten buyers
    make a hit, one buyer of ten does not). TooEarly before the order's `order.placed`."""
    _order_sale(uow, str(data["order_id"]), OrderFact.PAID)


def order_ended(uow: UnitOfWork, data: dict[str, Any]) -> None:
    """Cancelled or expired: the order's stock comes back (an order that held none: nothing), and
    the sales of a paid order are taken back."""
    _order_sale(uow, str(data["order_id"]), OrderFact.ENDED)
    uow.before_commit(stock.announce)
    try:
        stock.give_back(uow.session, data["order_id"])
    except Conflict as refused:
        log.warning("order %s ended but its stock stays: %s", data["order_id"], refused)


# An order new here (its `order.placed`, as a rule) is one statement: its row written unless it is
# there already (then it is locked and moved as below). Text, which SQLAlchemy compiles once;
# PostgreSQL and SQLite share the syntax.
_NEW_SALE = text(
    "INSERT INTO order_sales (order_id, state, lines, updated_at) "
    "VALUES (:order_id, :state, :lines, :updated_at) ON CONFLICT (order_id) DO NOTHING"
).bindparams(bindparam("lines", type_=OrderSale.__table__.c.lines.type),
             bindparam("updated_at", type_=OrderSale.__table__.c.updated_at.type))


def _order_sale(uow: UnitOfWork, order_id: str, fact: OrderFact,
                lines: list[dict[str, Any]] | None = None) -> None:
    """Move the order's sale state (domain/sales.py, its row locked) and add or take back the
    sales it makes."""
    session = uow.session
    if fact is not OrderFact.PAID:  # only a payment cannot come first
        change = sale_change(None, fact)
        kept = None if lines is None else kept_lines(lines)
        if session.execute(_NEW_SALE, {"order_id": order_id, "state": change.state.value,
                                       "lines": kept, "updated_at": now()}).rowcount:
            if change.delta:
                _bump(uow, bought_products(kept or ()), sales=change.delta)
            return
    row = session.get(OrderSale, order_id, with_for_update=True)
    try:
        change = sale_change(None if row is None else SaleState(row.state), fact)
    except PaidBeforePlaced:
        raise TooEarly(f"order {order_id} is paid but not placed here yet") from None
    moment = now()
    if row is None:
        row = OrderSale(order_id=order_id, state=change.state.value, lines=None,
                        updated_at=moment)
        session.add(row)
    elif row.state != change.state.value:
        row.state, row.updated_at = change.state.value, moment
    if lines is not None and row.lines is None:
        row.lines, row.updated_at = kept_lines(lines), moment
    if change.delta:
        _bump(uow, bought_products(row.lines or ()), sales=change.delta)


def order_shipped(uow: UnitOfWork, data: dict[str, Any]) -> None:
    stock.fulfil(uow.session, data["order_id"])


def review_posted(uow: UnitOfWork, data: dict[str, Any]) -> None:
    """Only a public review counts (API.md: the average of public review ratings)."""
    if not data.get("public", True):
        return
    rating = data["rating"]
    if not shops.add_rating(uow.session, data["shop_id"], rating):
        log.warning("review %s of unknown shop %s: no shop rating", data.get("review_id"),
                    data["shop_id"])
    product_ids = sorted({str(i) for i in data["product_ids"]})
    _bump(uow, product_ids, review_count=1, rating_sum=rating)


def cart_item_added(uow: UnitOfWork, data: dict[str, Any]) -> None:
    _bump(uow, [str(data["product_id"])], cart_adds=1)


VIEWS_BATCH = 5_000


def fold_views(uow: UnitOfWork) -> int:
    """The timer's work: logged page views added to their products, `VIEWS_BATCH` at a time, each
    batch in a transaction of its own, until the log holds less than a batch. The number folded."""
    folded = 0
    while True:
        with uow:
            taken = fold_view_batch(uow)
        folded += taken
        if taken < VIEWS_BATCH:
            return folded


def fold_view_batch(uow: UnitOfWork) -> int:
    """Take up to `VIEWS_BATCH` logged views off the log and add them to their products, in this
    transaction: a view is counted once, whichever replica folds it (on PostgreSQL, `SKIP LOCKED`
    lets replicas fold disjoint views side by side; SQLite has one writer and no such clause).
    The number of views taken."""
    oldest = (select(ProductView.seq).order_by(ProductView.seq).limit(VIEWS_BATCH)
              .with_for_update(skip_locked=True))
    taken = uow.session.execute(
        delete(ProductView).where(ProductView.seq.in_(oldest.scalar_subquery()))
        .returning(ProductView.product_id)
    ).scalars().all()
    for product_id, views in Counter(taken).items():
        _bump(uow, [product_id], views=views)
    return len(taken)


_PENDING_BUMPS = "catalog.pending_bumps"


def _bump(uow: UnitOfWork, product_ids: list[str], **increments: int) -> None:
    """Add to counters of these products, once the transaction is about to commit
    (`_apply_bumps`, registered once however many events of a batch bump)."""
    pending: dict[str, Counter] = uow.session.info.setdefault(_PENDING_BUMPS, {})
    for product_id in product_ids:
        pending.setdefault(product_id, Counter()).update(increments)
    uow.before_commit(_apply_bumps)


def _apply_bumps(uow: UnitOfWork) -> None:
    """The counters `_bump` gathered in this transaction, added and the products rescored (rows
    locked in id order)."""
    pending = uow.session.info.pop(_PENDING_BUMPS, None)
    if pending:
        for product_id, shop_id in signals.add_to_counters(uow.session, pending):
            uow.record("product.updated", {"product_id": product_id, "shop_id": shop_id},
                       aggregate_id=product_id)
