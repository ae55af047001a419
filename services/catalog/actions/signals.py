"""Derived columns kept current when their inputs change: `listed` and `popularity`.

`listed` = the product is enabled, not hidden by moderation, and its shop is `active`: the one
column every listing filters on. `popularity` is the domain's documented score, stored so the
`popularity` sort reads an index; it is recomputed in the transaction that changes any of its
inputs (a sale, a view, a cart add, a review, the images or options, the shop's labels or payment).
"""

from __future__ import annotations

from sqlalchemy import and_, false, select, update
from sqlalchemy.orm import Session

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


def rescore_shop(session: Session, shop: Shop) -> None:
    """After a shop-wide signal changed (reliable seller, online payment): every product's score."""
    rows = session.execute(
        select(Product.id, Product.sales, Product.views, Product.cart_adds, Product.images,
               Product.options, Product.global_option_ids, Product.review_count,
               Product.rating_sum).where(Product.shop_id == shop.id)
    ).all()
    changes = [{"id": row.id, "popularity": popularity_score(signals_of(row, shop))}
               for row in rows]
    if changes:
        session.execute(update(Product), changes)
