"""Derived columns kept current when their inputs change: `listed` and `popularity`.

`listed` = the product is enabled, not hidden by moderation, and its shop is `active`: the one
column every listing filters on. `popularity` is the domain's documented score, stored so the
`popularity` sort reads an index; it is recomputed in the transaction that changes any of its
inputs (a sale, a view, a cart add, a review, the images or options, the shop's labels or payment).
"""

from __future__ import annotations

from collections import Counter
from types import SimpleNamespace

from sqlalchemy import and_, false, select, update
from sqlalchemy.orm import Session

from services.catalog.domain.labels import HIT_PURCHASES
from services.catalog.domain.popularity import PopularitySignals, popularity_score
from services.catalog.domain.shops import ShopStatus
from services.catalog.models import Product, Shop


def is_listed(product: Product, shop: Shop) -> bool:
    return bool(product.enabled and not product.hidden_by_moderation
                and shop.status == ShopStatus.ACTIVE.value)


def signals_of(product: Product, shop: Shop) -> PopularitySignals:
    reviews = product.review_count or 0
    return PopularitySignals(
        sales=product.sales or 0,
        views=product.views or 0,
        cart_adds=product.cart_adds or 0,
        images=len(product.images or ()),
        has_options=bool(product.options or product.global_option_ids),
        reliable_seller=shop.reliable_seller,
        review_count=reviews,
        average_rating=(product.rating_sum / reviews) if reviews else 0.0,
        online_payment=shop.online_payment,
    )


def refresh(product: Product, shop: Shop) -> None:
    """Recompute both derived columns of one loaded product."""
    product.listed = is_listed(product, shop)
    product.popularity = popularity_score(signals_of(product, shop))


def relist_shop(session: Session, shop: Shop) -> None:
    """After the shop's status changed: every product's `listed` in one statement."""
    active = shop.status == ShopStatus.ACTIVE.value
    listed = and_(Product.enabled, ~Product.hidden_by_moderation) if active else false()
    session.execute(
        update(Product)
        .where(Product.shop_id == shop.id)
        .values(listed=listed)
        .execution_options(synchronize_session=False)
    )


# A product's columns that its score reads (`signals_of`), with its id.
SCORED = (Product.id, Product.sales, Product.views, Product.cart_adds, Product.images,
          Product.options, Product.global_option_ids, Product.review_count, Product.rating_sum)


def add_to_counters(session: Session, increments: dict[str, Counter]) -> list[tuple[str, str]]:
    """Add `increments` (product id → counter column → amount) to the products and rescore them.
    One read of the columns the score needs, locking the products' rows in id order, then one
    UPDATE per product, sent together. No ORM objects: folding a batch of page views takes about
    half the service's CPU it took to load and flush Product and Shop objects. The (product id,
    shop id) of the products whose sales took them over or back under the `hit` label's mark,
    for the caller to announce: their pages change."""
    columns = sorted({column for counts in increments.values() for column in counts})
    rows = session.execute(
        select(*SCORED, Product.shop_id, Shop.reliable_seller, Shop.online_payment)
        .join(Shop, Shop.id == Product.shop_id)
        .where(Product.id.in_(sorted(increments))).order_by(Product.id)
        .with_for_update(of=Product)
    ).all()
    changes, relabelled = [], []
    for row in rows:
        values = row._asdict()
        if "sales" in columns and ((row.sales or 0) >= HIT_PURCHASES) != (
                (row.sales or 0) + increments[row.id]["sales"] >= HIT_PURCHASES):
            relabelled.append((row.id, row.shop_id))
        for column in columns:
            values[column] = (values[column] or 0) + increments[row.id][column]
        current = SimpleNamespace(**values)  # both the product and its shop, for `signals_of`
        changes.append({"id": row.id, **{column: values[column] for column in columns},
                        "popularity": popularity_score(signals_of(current, current))})
    if changes:
        session.execute(update(Product), changes)
    return relabelled


def rescore_shop(session: Session, shop: Shop) -> None:
    """After a shop-wide signal changed (reliable seller, online payment): every product's score."""
    rows = session.execute(select(*SCORED).where(Product.shop_id == shop.id)).all()
    changes = [{"id": row.id, "popularity": popularity_score(signals_of(row, shop))}
               for row in rows]
    if changes:
        session.execute(update(Product), changes)
