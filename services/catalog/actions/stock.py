"""Stock reservations for checkout, idempotent by order id.

    reserve                   {order_id, lines}: all lines or none; a Conflict (`out_of_stock`)
                              names every product that falls short: {product_id, requested,
                              available}
    hold_for_order            {order_id, shop_id, lines}: checkout's call: the lines priced, the
                              shop's terms and the hold, in one transaction
    get_reservation           {order_id}: the reservation, or None
    commit                    {order_id}: the order is placed: the hold is final
    release                   {order_id}: cancelled or expired: the units come back
and, inside an event handler's transaction (`effects`):
    make_final(session, id)   `order.placed`: the hold is final, in one UPDATE; never refuses
    give_back(session, id)    `order.cancelled` / `order.expired`: as `release`
    fulfil(session, id)       `order.shipped`: the units leave the quantity on hand

Concurrency: `reserve` locks the products' rows (`SELECT ... FOR UPDATE`, in id order so two
checkouts never deadlock) before the domain decides and the held counts are written, in one
transaction; `hold_for_order` decides on rows read without locks and lets the guarded UPDATE of
each held count take the lock, trying again with the rows locked when another order took the units
in between. On SQLite the kernel's `BEGIN IMMEDIATE` serialises writers. Both actions try again
themselves, once, in a new transaction: `reserve` answers the reservation a concurrent call with
the same order id made (the unique order id refused this one's), and `hold_for_order` holds again
with the products' rows locked when the units moved (`StockMoved`) or the same order was held
concurrently. A repeated reserve with
the same order id finds the reservation made the first time and answers it unchanged, whatever
lines it carries.
Only tracked stock is counted; untracked and made-to-order lines are recorded and never short.
A product that is not on the storefront (disabled, hidden, its shop sanctioned) counts as having
none.

Event: `product.stock_changed` once per transaction that changed what product pages show as
available (a hold, a release; shipping takes units off both the held count and the quantity on
hand, so it shows nothing new), naming those products (`announce`, before the commit).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam, case, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from services.catalog.domain.errors import OutOfStock, QuoteInvalid
from services.catalog.domain.model import StockMode
from services.catalog.domain.stock import ReservationLine as Line
from services.catalog.domain.stock import StockLevel
from services.catalog.domain.stock import reserve as decide
from services.catalog.models import Product, Reservation, ReservationLine
from services.common.caller import Caller
from services.common.errors import Conflict, NotFound
from services.common.uow import UnitOfWork

from .common import as_uuid, now
from .pricing import PRODUCTS_AND_SHOPS, price_lines
from .views import vacation_payload

HELD, COMMITTED, FULFILLED, RELEASED = "held", "committed", "fulfilled", "released"
_MOVED = "catalog.stock_moved"


def _moved(session: Session, product_id: str) -> None:
    """Note a product whose available quantity this transaction changes."""
    session.info.setdefault(_MOVED, set()).add(product_id)


def announce(uow: UnitOfWork) -> None:
    """Before the commit (`uow.before_commit(announce)`): one `product.stock_changed` naming the
    products whose available quantity the transaction changed, if any."""
    moved = uow.session.info.pop(_MOVED, None)
    if moved:
        ids = sorted(moved)
        uow.record("product.stock_changed", {"product_ids": ids}, aggregate_id=ids[0])


def payload(session: Session, reservation: Reservation) -> dict[str, Any]:
    lines = session.execute(
        select(ReservationLine.product_id, ReservationLine.quantity)
        .where(ReservationLine.order_id == reservation.order_id)
        .order_by(ReservationLine.product_id)
    ).all()
    return {"order_id": reservation.order_id, "status": reservation.status,
            "lines": [{"product_id": p, "quantity": q} for p, q in lines]}


def _find(session: Session, order_id: str, lock: bool = False) -> Reservation | None:
    query = select(Reservation).where(Reservation.order_id == order_id)
    if lock:
        query = query.with_for_update()
    return session.execute(query.execution_options(populate_existing=True)).scalar_one_or_none()


def reserve(uow: UnitOfWork, caller: Caller, data: dict[str, Any]) -> dict[str, Any]:
    key = str(data["order_id"])
    try:
        with uow:
            uow.before_commit(announce)
            return _reserve(uow.session, key, data["lines"])
    except IntegrityError:  # the same order reserved concurrently: answer what was kept
        with uow.reading() as session:
            found = _find(session, key)
            if found is None:
                raise
            return payload(session, found)


def _reserve(session: Session, key: str, lines: list[dict[str, Any]]) -> dict[str, Any]:
    existing = _find(session, key)
    if existing is not None:
        return payload(session, existing)
    wanted = [Line(as_uuid(line["product_id"]) or line["product_id"], line["quantity"])
              for line in lines]
    ids = sorted({line.product_id for line in wanted})
    rows = session.execute(
        select(Product.id, Product.stock_mode, Product.stock_on_hand, Product.stock_reserved,
               Product.listed)
        .where(Product.id.in_(ids)).order_by(Product.id).with_for_update()
    ).all()
    existing = _find(session, key)  # a concurrent call with this order id may have won the locks
    if existing is not None:
        return payload(session, existing)
    return _hold(session, key, wanted, _levels(row for row in rows if row.listed))


def _levels(products) -> dict[str, StockLevel]:
    """The stock levels of products (rows or loaded products), by id."""
    return {p.id: StockLevel(p.id, StockMode(p.stock_mode), p.stock_on_hand or 0, p.stock_reserved)
            for p in products}


_NEW_RESERVATION = insert(Reservation)
_NEW_LINE = insert(ReservationLine)
_HOLD_UNITS = (
    update(Product)
    .where(Product.id == bindparam("product_id"), Product.listed,
           func.coalesce(Product.stock_on_hand, 0) - Product.stock_reserved
           >= bindparam("quantity"))
    .values(stock_reserved=Product.stock_reserved + bindparam("quantity"))
    .execution_options(synchronize_session=False)
)


class StockMoved(Exception):
    """Stock read without locks was taken by another order before this one could hold it."""


def _hold(session: Session, key: str, wanted: list[Line],
          levels: dict[str, StockLevel]) -> dict[str, Any]:
    """Decide on `levels` and write the reservation. Each tracked product's held count grows by a
    guarded UPDATE (`... WHERE on_hand - reserved >= n`), in product id order as every writer of
    these rows locks them; it takes the row's lock last, just before the commit. If `levels` were
    read without locks and another order took the units meanwhile, the guard refuses and
    `StockMoved` is raised: nothing is oversold."""
    reservation = decide(key, wanted, levels)  # raises OutOfStock naming each shortage
    lines = sorted(reservation.lines, key=lambda line: line.product_id)
    moment = now()
    # Core statements built once (no ORM objects to flush); the order id's primary key refuses a
    # second reservation of the same order (IntegrityError) before any count moves.
    session.execute(_NEW_RESERVATION, {"order_id": key, "status": HELD, "created_at": moment,
                                       "updated_at": moment})
    tracked = {line.product_id: levels[line.product_id].mode is StockMode.TRACKED
               for line in lines}
    session.execute(_NEW_LINE, [{"order_id": key, "product_id": line.product_id,
                                 "quantity": line.quantity, "tracked": tracked[line.product_id]}
                                for line in lines])
    for line in lines:
        if not tracked[line.product_id]:
            continue
        if not session.execute(_HOLD_UNITS, {"product_id": line.product_id,
                                             "quantity": line.quantity}).rowcount:
            raise StockMoved(line.product_id)
        _moved(session, line.product_id)
    return {"order_id": key, "status": HELD,
            "lines": [{"product_id": line.product_id, "quantity": line.quantity}
                      for line in lines]}


def hold_for_order(uow: UnitOfWork, caller: Caller, data: dict[str, Any]) -> dict[str, Any]:
    """Checkout's one call per shop: `{order_id, shop_id, lines: [{product_id, quantity,
    options}]}` → `{lines: [priced as quote_lines], terms: {...}, reservation: {...}}` (`terms`
    include the shop's `contact_methods` and `vacation` as `get_shop` tells them).

    The lines are priced from the same rows whose stock is then held for the order, so the price,
    the shop's terms and the hold agree. Refusals are those of `quote_lines` and `reserve`,
    and a line of another shop (422, `not_this_shop`); nothing is held when one is refused. A
    repeated call for the same order prices again and answers the reservation made the first time.

    The products are first read without locks: a popular product's row is then locked only by
    the guarded UPDATE at the end. When another order took the units in between (`StockMoved`), or
    held this same order concurrently, it is tried once more in a new transaction, the products'
    rows locked as they are read.
    """
    try:
        with uow:
            uow.before_commit(announce)
            return _hold_for_order(uow.session, data)
    except (StockMoved, IntegrityError):
        with uow:
            uow.before_commit(announce)
            return _hold_for_order(uow.session, data, lock=True)


def _hold_for_order(session: Session, data: dict[str, Any], *, lock: bool = False
                    ) -> dict[str, Any]:
    key, shop_id, lines = str(data["order_id"]), as_uuid(data["shop_id"]), data["lines"]
    ids = sorted({as_uuid(line["product_id"]) for line in lines} - {None})
    query = _PRODUCTS_AND_SHOPS_LOCKED if lock else PRODUCTS_AND_SHOPS
    rows = session.execute(query, {"ids": ids}).all() if ids else []
    priced = price_lines(session, lines, rows)
    strangers = {f"lines.{index}.product_id": "This product is sold by another shop."
                 for index, line in enumerate(priced) if line["shop_id"] != shop_id}
    if strangers:
        raise QuoteInvalid("Some items are not from this shop.", code="not_this_shop",
                           errors=strangers)
    shop = rows[0][1]
    # A first try writes the reservation without looking for one: the order id's primary key
    # refuses a repeat, which is tried again below with the rows locked and finds it.
    existing = _find(session, key) if lock else None
    if existing is not None:
        held = payload(session, existing)
    else:
        wanted = [Line(line["product_id"], line["quantity"]) for line in priced]
        try:
            held = _hold(session, key, wanted, _levels(product for product, _shop in rows))
        except OutOfStock:  # short now, but perhaps held for this same order before
            if lock or (existing := _find(session, key)) is None:
                raise
            held = payload(session, existing)
    rules, paying = shop.rules or {}, shop.payment_terms or {}
    terms = {"shop_id": shop.id, "owner_id": shop.owner_id, "currency": shop.currency,
             "status": shop.status, "confirm_days": rules.get("confirm_days"),
             "prepayment_percent": rules.get("prepayment_percent") or 0,
             "payment_timing": paying.get("timing") or "after_confirmation",
             "surcharge_percent": paying.get("surcharge_percent") or "0",
             "surcharge_label": paying.get("surcharge_label"),
             "contact_methods": list(shop.contact_methods or ()),
             "vacation": vacation_payload(shop, now().date())}
    return {"lines": priced, "terms": terms, "reservation": held}


_PRODUCTS_AND_SHOPS_LOCKED = PRODUCTS_AND_SHOPS.with_for_update(of=Product)


def get_reservation(uow: UnitOfWork, caller: Caller,
                    data: dict[str, Any]) -> dict[str, Any] | None:
    key = as_uuid(data["order_id"])
    if key is None:
        return None
    with uow.reading() as session:
        reservation = _find(session, key)
        return None if reservation is None else payload(session, reservation)


def commit(uow: UnitOfWork, caller: Caller, data: dict[str, Any]) -> dict[str, Any]:
    with uow:
        session = uow.session
        reservation = _locked(session, data["order_id"])
        if reservation is None:
            raise NotFound("This order holds no stock.", "reservation_not_found")
        if reservation.status == RELEASED:
            raise Conflict("The reservation was released; reserve again.",
                           "reservation_released")
        if reservation.status == HELD:
            reservation.status = COMMITTED
            reservation.updated_at = now()
        return payload(session, reservation)


def make_final(session: Session, order_id: Any) -> str:
    """`order.placed`: the order's hold becomes final. One UPDATE when it is held, as it is for
    every checkout; otherwise its status (`committed` already, `released`, ...) or `none`."""
    key = as_uuid(order_id)
    if key is None:
        return "none"
    changed = session.execute(
        update(Reservation).where(Reservation.order_id == key, Reservation.status == HELD)
        .values(status=COMMITTED, updated_at=now()).execution_options(synchronize_session=False)
    ).rowcount
    if changed:
        return HELD
    found = _find(session, key)
    return "none" if found is None else found.status


def release(uow: UnitOfWork, caller: Caller, data: dict[str, Any]) -> dict[str, Any]:
    """Give the order's units back. An unknown order holds nothing: `{"status": "none"}`."""
    with uow:
        uow.before_commit(announce)
        return give_back(uow.session, data["order_id"])


def give_back(session: Session, order_id: Any) -> dict[str, Any]:
    """`release` in the caller's transaction."""
    reservation = _locked(session, order_id)
    if reservation is None:
        return {"order_id": as_uuid(order_id) or str(order_id), "status": "none", "lines": []}
    if reservation.status == FULFILLED:
        raise Conflict("The order's units have already left the shop.", "reservation_fulfilled")
    if reservation.status in (HELD, COMMITTED):
        _move(session, reservation, on_hand=False)
        reservation.status = RELEASED
        reservation.updated_at = now()
    return payload(session, reservation)


def fulfil(session: Session, order_id: Any) -> dict[str, Any] | None:
    reservation = _locked(session, order_id)
    if reservation is None or reservation.status not in (HELD, COMMITTED):
        return None if reservation is None else payload(session, reservation)
    _move(session, reservation, on_hand=True)
    reservation.status = FULFILLED
    reservation.updated_at = now()
    return payload(session, reservation)


def _locked(session: Session, order_id: Any) -> Reservation | None:
    key = as_uuid(order_id)
    return _find(session, key, lock=True) if key else None


def _move(session: Session, reservation: Reservation, *, on_hand: bool) -> None:
    """Take the tracked lines' units off the held count (and off the quantity on hand when they
    ship), in product id order like `reserve`, never below 0."""
    lines = session.execute(
        select(ReservationLine.product_id, ReservationLine.quantity)
        .where(ReservationLine.order_id == reservation.order_id,
               ReservationLine.tracked.is_(True))
        .order_by(ReservationLine.product_id)
    ).all()
    for product_id, quantity in lines:
        values = {"stock_reserved": case((Product.stock_reserved >= quantity,
                                          Product.stock_reserved - quantity), else_=0)}
        if on_hand:
            values["stock_on_hand"] = case((Product.stock_on_hand >= quantity,
                                            Product.stock_on_hand - quantity), else_=0)
        session.execute(update(Product).where(Product.id == product_id).values(**values)
                        .execution_options(synchronize_session=False))
        if not on_hand:
            _moved(session, product_id)
