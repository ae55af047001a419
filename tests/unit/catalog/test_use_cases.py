"""The catalog's use cases at the actions' own layer, on SQLite in memory: a shop announced to the
other services, counters from other services' events added once per transaction, and checkout's
hold tried again when the units moved."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest
from sqlalchemy import select, update

from services.catalog import models, schemas
from services.catalog.actions import effects, shops, signals, stock
from services.catalog.actions import products as product_actions
from services.catalog.models import Product, Reservation
from services.common.caller import Caller
from services.common.errors import Conflict
from services.common.runtime.messaging import TooEarly
from tests.support import units


@pytest.fixture
def uow():
    return units.unit_of_work(models.Base.metadata, "catalog")


def a_seller(command_id: str | None = None) -> Caller:
    return Caller(user_id=str(uuid.uuid4()), roles=frozenset({"seller"}), command_id=command_id)


def open_shop(uow, seller: Caller) -> dict:
    data = schemas.load(schemas.ShopIn, {"name": "Clay and fire", "currency": "RUB"})
    return uow.run_once("create_shop", seller, shops.create_shop, data)


def add_product(uow, seller: Caller, shop: dict, quantity: int = 5, **changes) -> dict:
    body = {"title": "Mug with a fox", "category": "mugs-and-cups", "price": 150000,
            "stock": {"mode": "tracked", "quantity": quantity}, **changes}
    data = schemas.load_product(schemas.NewProductIn, body, shop_id=shop["id"])
    return product_actions.create_product(uow, seller, data)


def counters(uow, product_id: str) -> dict:
    with uow.reading() as session:
        row = session.execute(
            select(Product.sales, Product.review_count, Product.rating_sum, Product.cart_adds,
                   Product.views, Product.popularity).where(Product.id == product_id)
        ).one()
    return row._asdict()


def held(uow, product_id: str) -> int:
    with uow.reading() as session:
        return session.execute(
            select(Product.stock_reserved).where(Product.id == product_id)).scalar_one()


# Shops --------------------------------------------------------------------------------------------
def test_a_new_shop_is_announced_with_its_owner(uow):
    seller = a_seller()

    shop = open_shop(uow, seller)

    assert shop["owner_id"] == seller.user_id
    assert [(e["type"], e["data"]) for e in units.recorded(uow)] == [
        ("shop.created", {"shop_id": shop["id"], "owner_id": seller.user_id}),
    ]


def test_a_repeated_request_answers_the_same_shop_and_announces_it_once(uow):
    seller = a_seller(command_id="req-1")

    first = open_shop(uow, seller)
    again = open_shop(uow, seller)

    assert again == first
    assert len(units.recorded(uow, "shop.")) == 1


def test_a_second_shop_of_one_seller_is_refused_and_not_announced(uow):
    seller = a_seller()
    open_shop(uow, seller)

    with pytest.raises(Conflict) as refused:
        open_shop(uow, seller)

    assert refused.value.code == "shop_exists"
    assert len(units.recorded(uow, "shop.")) == 1


# Counters from other services' events ---------------------------------------------------------------
def placed(*products: dict, quantity: int = 1) -> dict:
    """`order.placed`'s data for a new order with a line per product given."""
    return {"order_id": str(uuid.uuid4()),
            "lines": [{"product_id": p["id"], "quantity": quantity} for p in products]}


@pytest.fixture
def flushes(monkeypatch):
    """Each flush of gathered counters: the increments it added."""
    seen: list[dict] = []
    add = signals.add_to_counters

    def counting(session, increments):
        seen.append({product: dict(counts) for product, counts in increments.items()})
        return add(session, increments)

    monkeypatch.setattr(signals, "add_to_counters", counting)
    return seen


@pytest.fixture
def two_products(uow):
    seller = a_seller()
    shop = open_shop(uow, seller)
    return add_product(uow, seller, shop), add_product(uow, seller, shop, title="Plate")


def test_a_batch_of_events_adds_its_counters_in_one_flush_before_the_commit(
        uow, flushes, two_products):
    mug, plate = two_products
    before = counters(uow, mug["id"])

    first, second = placed(mug, mug, plate), placed(mug)

    with uow:
        effects.order_placed(uow, first)
        effects.order_placed(uow, second)
        effects.order_paid(uow, {"order_id": first["order_id"]})
        effects.order_paid(uow, {"order_id": second["order_id"]})
        effects.review_posted(uow, {"shop_id": mug["shop_id"], "rating": 4,
                                    "product_ids": [mug["id"], mug["id"]]})
        effects.cart_item_added(uow, {"product_id": plate["id"]})
        assert flushes == []  # nothing added before the commit

    assert flushes == [{
        mug["id"]: {"sales": 2, "review_count": 1, "rating_sum": 4},
        plate["id"]: {"sales": 1, "cart_adds": 1},
    }]
    after = counters(uow, mug["id"])
    assert (after["sales"], after["review_count"], after["rating_sum"]) == (2, 1, 4)
    assert after["popularity"] > before["popularity"]
    assert (counters(uow, plate["id"])["sales"], counters(uow, plate["id"])["cart_adds"]) == (1, 1)


def test_each_transaction_flushes_its_own_counters_once(uow, flushes, two_products):
    mug, _plate = two_products

    for _ in range(2):
        with uow:
            effects.cart_item_added(uow, {"product_id": mug["id"]})

    assert flushes == [{mug["id"]: {"cart_adds": 1}}, {mug["id"]: {"cart_adds": 1}}]
    assert counters(uow, mug["id"])["cart_adds"] == 2


def test_a_transaction_that_fails_adds_no_counter(uow, flushes, two_products):
    mug, _plate = two_products

    with pytest.raises(RuntimeError), uow:
        effects.review_posted(uow, {"shop_id": mug["shop_id"], "rating": 5,
                                    "product_ids": [mug["id"]]})
        raise RuntimeError("the handler failed")
    with uow:
        pass  # the next transaction has nothing gathered

    assert flushes == []
    assert (counters(uow, mug["id"])["review_count"], counters(uow, mug["id"])["rating_sum"]) == (0, 0)


def test_page_views_are_folded_into_their_products_once(uow, flushes, two_products):
    mug, plate = two_products
    visitor = Caller()
    for product in (mug, mug, plate):
        product_actions.record_view(uow, visitor, {"product_id": product["id"]})

    assert effects.fold_views(uow) == 3
    assert effects.fold_views(uow) == 0

    assert flushes == [{mug["id"]: {"views": 2}, plate["id"]: {"views": 1}}]
    assert (counters(uow, mug["id"])["views"], counters(uow, plate["id"])["views"]) == (2, 1)


# Checkout's hold ------------------------------------------------------------------------------------
def hold_data(order_id: str, shop: dict, product: dict, quantity: int) -> dict:
    return schemas.load(schemas.HoldIn, {
        "order_id": order_id, "shop_id": shop["id"],
        "lines": [{"product_id": product["id"], "quantity": quantity}]})


def test_a_hold_whose_units_moved_meanwhile_is_tried_again_with_the_rows_locked(
        uow, monkeypatch):
    seller = a_seller()
    shop = open_shop(uow, seller)
    mug = add_product(uow, seller, shop, quantity=3)
    attempts: list[bool] = []
    real_attempt, real_price_lines = stock._hold_for_order, stock.price_lines

    def attempt(session, data, *, lock=False):
        attempts.append(lock)
        return real_attempt(session, data, lock=lock)

    def price_lines(session, lines, rows, **kw):
        if len(attempts) == 1:  # another checkout takes two units after the first, unlocked read
            session.execute(update(Product).where(Product.id == mug["id"])
                            .values(stock_reserved=Product.stock_reserved + 2)
                            .execution_options(synchronize_session=False))
        return real_price_lines(session, lines, rows, **kw)

    monkeypatch.setattr(stock, "_hold_for_order", attempt)
    monkeypatch.setattr(stock, "price_lines", price_lines)
    order_id = str(uuid.uuid4())

    answer = stock.hold_for_order(uow, Caller(), hold_data(order_id, shop, mug, 2))

    assert attempts == [False, True]
    assert answer["reservation"] == {"order_id": order_id, "status": "held",
                                     "lines": [{"product_id": mug["id"], "quantity": 2}]}
    assert answer["terms"]["owner_id"] == seller.user_id
    # The first attempt left nothing behind: one reservation, two units held.
    assert held(uow, mug["id"]) == 2
    with uow.reading() as session:
        assert session.execute(select(Reservation.order_id)).scalars().all() == [order_id]


def test_a_hold_repeated_for_the_same_order_answers_the_first_and_holds_nothing_more(uow):
    seller = a_seller()
    shop = open_shop(uow, seller)
    mug = add_product(uow, seller, shop, quantity=3)
    order_id = str(uuid.uuid4())

    first = stock.hold_for_order(uow, Caller(), hold_data(order_id, shop, mug, 2))
    again = stock.hold_for_order(uow, Caller(), hold_data(order_id, shop, mug, 3))

    assert again["reservation"] == first["reservation"]
    assert held(uow, mug["id"]) == 2


# The shop's rating ---------------------------------------------------------------------------------
def shop_rating(uow, shop_id: str) -> dict:
    return shops.get_shop_view(uow, Caller(), {"shop_id": shop_id})["rating"]


def review(shop_id: str, product_id: str, rating: int, **extra) -> dict:
    return {"review_id": str(uuid.uuid4()), "shop_id": shop_id, "product_ids": [product_id],
            "rating": rating, **extra}


def test_a_shop_is_rated_by_the_average_of_its_public_reviews(uow, two_products):
    mug, plate = two_products
    shop_id = mug["shop_id"]
    assert shop_rating(uow, shop_id) == {"average": None, "count": 0}

    for rating, product in ((5, mug), (5, plate), (4, mug)):
        with uow:
            effects.review_posted(uow, review(shop_id, product["id"], rating))
    with uow:
        effects.review_posted(uow, review(shop_id, mug["id"], 1, public=False))

    assert shop_rating(uow, shop_id) == {"average": 4.67, "count": 3}
    assert counters(uow, mug["id"])["review_count"] == 2  # the hidden review counts nowhere


def test_ratings_of_one_transaction_all_count_and_another_shop_keeps_its_own(uow, two_products):
    mug, _plate = two_products
    other_seller = a_seller()
    other = open_shop(uow, other_seller)
    other_mug = add_product(uow, other_seller, other)

    with uow:
        effects.review_posted(uow, review(mug["shop_id"], mug["id"], 4))
        effects.review_posted(uow, review(mug["shop_id"], mug["id"], 5))
        effects.review_posted(uow, review(other["id"], other_mug["id"], 2))

    assert shop_rating(uow, mug["shop_id"]) == {"average": 4.5, "count": 2}
    assert shop_rating(uow, other["id"]) == {"average": 2.0, "count": 1}


def test_a_rating_for_a_shop_the_catalog_does_not_know_changes_nothing(uow, two_products):
    mug, _plate = two_products

    with uow:
        assert shops.add_rating(uow.session, str(uuid.uuid4()), 5) is False

    assert shop_rating(uow, mug["shop_id"]) == {"average": None, "count": 0}


# What counts as bought (the `hit` label) ------------------------------------------------------------
def sales(uow, product: dict) -> int:
    return counters(uow, product["id"])["sales"]


def handle(uow, handler, data: dict) -> None:
    with uow:
        handler(uow, data)


def test_a_product_counts_as_bought_when_its_order_is_paid_once_per_order(uow, two_products):
    mug, plate = two_products
    order = placed(mug, mug, plate, quantity=3)

    handle(uow, effects.order_placed, order)
    assert (sales(uow, mug), sales(uow, plate)) == (0, 0)  # placed is not bought

    handle(uow, effects.order_paid, {"order_id": order["order_id"]})
    assert (sales(uow, mug), sales(uow, plate)) == (1, 1)  # one sale per product of the order


def test_a_paid_order_cancelled_later_is_taken_back(uow, two_products):
    mug, _plate = two_products
    kept, cancelled = placed(mug), placed(mug)
    for order in (kept, cancelled):
        handle(uow, effects.order_placed, order)
        handle(uow, effects.order_paid, {"order_id": order["order_id"]})
    assert sales(uow, mug) == 2

    handle(uow, effects.order_ended, {"order_id": cancelled["order_id"]})

    assert sales(uow, mug) == 1


def test_an_order_cancelled_or_expired_before_payment_never_counts(uow, two_products):
    mug, _plate = two_products
    for _ in range(2):
        order = placed(mug)
        handle(uow, effects.order_placed, order)
        handle(uow, effects.order_ended, {"order_id": order["order_id"]})
        handle(uow, effects.order_paid, {"order_id": order["order_id"]})  # a late, refused payment

    assert sales(uow, mug) == 0


def test_a_payment_before_its_order_is_placed_here_waits(uow, two_products):
    mug, _plate = two_products
    order = placed(mug)

    with pytest.raises(TooEarly):
        handle(uow, effects.order_paid, {"order_id": order["order_id"]})
    handle(uow, effects.order_placed, order)
    handle(uow, effects.order_paid, {"order_id": order["order_id"]})  # tried again

    assert sales(uow, mug) == 1


def test_a_cancellation_that_overtakes_the_placed_order_keeps_its_payment_from_counting(
        uow, two_products):
    mug, _plate = two_products
    order = placed(mug)

    handle(uow, effects.order_ended, {"order_id": order["order_id"]})
    handle(uow, effects.order_placed, order)
    handle(uow, effects.order_paid, {"order_id": order["order_id"]})

    assert sales(uow, mug) == 0


def test_ten_paid_orders_make_a_hit_and_ten_placed_ones_do_not(uow, two_products):
    mug, plate = two_products
    for _ in range(10):
        paid, unpaid = placed(mug), placed(plate)
        handle(uow, effects.order_placed, paid)
        handle(uow, effects.order_placed, unpaid)
        handle(uow, effects.order_paid, {"order_id": paid["order_id"]})

    def labels(product):
        return product_actions.get_product(
            uow, Caller(), {"product_id": product["id"], "count_view": False})["labels"]

    assert "hit" in labels(mug)
    assert "hit" not in labels(plate)


def test_the_sale_that_makes_a_hit_and_the_cancellation_that_unmakes_it_are_announced(
        uow, two_products):
    mug, _plate = two_products
    orders = [placed(mug) for _ in range(10)]
    for order in orders:
        handle(uow, effects.order_placed, order)
        handle(uow, effects.order_paid, {"order_id": order["order_id"]})
    handle(uow, effects.order_ended, {"order_id": orders[0]["order_id"]})

    changed = [e["data"] for e in units.recorded(uow, "product.updated")]
    assert changed == [{"product_id": mug["id"], "shop_id": mug["shop_id"]}] * 2  # 10th, then 9


def test_a_checkout_hold_carries_the_payment_terms_payments_announced(uow):
    seller = a_seller()
    shop = open_shop(uow, seller)
    mug = add_product(uow, seller, shop)
    first = stock.hold_for_order(uow, Caller(), hold_data(str(uuid.uuid4()), shop, mug, 1))
    assert (first["terms"]["surcharge_percent"], first["terms"]["surcharge_label"],
            first["terms"]["payment_timing"]) == ("0", None, "after_confirmation")

    with uow:
        effects.payment_settings_changed(uow, {
            "shop_id": shop["id"], "online_payment": True, "timing": "at_checkout",
            "surcharge_percent": Decimal("3.50"), "surcharge_label": "Card fee"})
    later = stock.hold_for_order(uow, Caller(), hold_data(str(uuid.uuid4()), shop, mug, 1))
    assert (later["terms"]["surcharge_percent"], later["terms"]["surcharge_label"],
            later["terms"]["payment_timing"]) == ("3.50", "Card fee", "at_checkout")
