"""The storefront: visible products only, filtered, searched, sorted and paged in the database.

Filters: `category` (its sub-categories included), `shop_id`, `min_price`/`max_price` on the
effective price (an `offer_only` product has none, so a price bound leaves it out), characteristic
keys (every key given must share a value, case-insensitive; several values of one key are "or"),
and `q`: every word must occur in the title, the start of the description or a characteristic value
(a substring, case-insensitive: a trigram index on PostgreSQL, a scan with LIKE on SQLite).
Sorts (domain/listing.py): popularity (default), newest, discount, price up or down on the
effective price with `offer_only` products after the priced ones; ties newest first, then by id.
Promotions, which the domain puts first in the popularity order, do not exist yet.
`total` is exact, except for a text search matching more than 1,000 products: it says 1,000 and
`total_capped: true` (counting every match of a substring search costs a recheck of each row).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Select, and_, exists, func, select
from sqlalchemy.orm import Session

from services.catalog.domain.categories import CHARACTERISTIC_KEYS, require_category, subtree_slugs
from services.catalog.domain.listing import SortOrder, parse_sort
from services.catalog.models import Product, ProductCharacteristic
from services.catalog.schemas import ListQuery, load
from services.common.paging import PageRequest

from .common import as_uuid, now
from .views import card_payload

MAX_WORDS = 8
SEARCH_COUNT_CAP = 1_000  # a text search's `total` is exact up to this; beyond, `total_capped`
CARD_COLUMNS = (
    Product.id, Product.shop_id, Product.title, Product.category, Product.currency,
    Product.price, Product.effective_price, Product.discount_percent, Product.sale_mode,
    Product.images, Product.free_delivery, Product.created_at, Product.sales,
    Product.official_reseller,
)


def list_products(session: Session, query: Any) -> dict[str, Any]:
    params = load(ListQuery, query or {}, detail="The listing query is not valid.")
    page = PageRequest(params["page"], params["per_page"])
    statement, counted = statements(params, page)
    connection = session.connection()
    rows = connection.execute(statement).all()
    if rows:
        total = rows[0].total
    elif page.offset:
        total = connection.execute(counted).scalar_one()
    else:
        total = 0
    moment = now()
    body = page.page_of([card_payload(row, moment) for row in rows], min(total, SEARCH_COUNT_CAP)
                        if params.get("q") else total)
    if params.get("q") and total > SEARCH_COUNT_CAP:
        body["total_capped"] = True
    return body


def statements(params: dict[str, Any], page: PageRequest) -> tuple[Select, Select]:
    """The page's statement, whose rows each carry the count of every match (an uncorrelated
    scalar subquery, which the database evaluates once: one round trip for the page and its
    total), and that count alone, for a page past the end, which has no row to carry it."""
    conditions = filters(params)
    matching = select(Product.id).where(*conditions)
    if params.get("q"):  # a substring search rechecks every match: count the first ones only
        matching = matching.limit(SEARCH_COUNT_CAP + 1)
    counted = select(func.count()).select_from(matching.subquery())
    rows = select(*CARD_COLUMNS, counted.scalar_subquery().label("total")).where(*conditions)
    statement = (_ordered(rows, parse_sort(params["sort"]))
                 .limit(page.per_page).offset(page.offset))
    return statement, counted


def filters(params: dict[str, Any]) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = [Product.listed]
    if params.get("category"):
        category = require_category(params["category"])
        slugs = sorted(subtree_slugs(category.slug))
        conditions.append(Product.category == slugs[0] if len(slugs) == 1
                          else Product.category.in_(slugs))
    if params.get("shop_id"):
        conditions.append(Product.shop_id == (as_uuid(params["shop_id"]) or ""))
    if params.get("min_price") is not None:
        conditions.append(Product.effective_price >= params["min_price"])
    if params.get("max_price") is not None:
        conditions.append(Product.effective_price <= params["max_price"])
    for word in (params.get("q") or "").lower().split()[:MAX_WORDS]:
        conditions.append(Product.search_text.like(f"%{_escape(word)}%", escape="\\"))
    for key in CHARACTERISTIC_KEYS:
        values = params.get(key)
        if values:
            folded = sorted({v.strip().casefold() for v in values})
            conditions.append(exists().where(and_(
                ProductCharacteristic.product_id == Product.id,
                ProductCharacteristic.key == key,
                ProductCharacteristic.value.in_(folded),
            )))
    return conditions


def _ordered(query: Select, order: SortOrder) -> Select:
    newest = (Product.created_at.desc(), Product.id)
    if order is SortOrder.NEWEST:
        return query.order_by(*newest)
    if order is SortOrder.DISCOUNT:
        return query.order_by(Product.discount_percent.desc(), *newest)
    if order is SortOrder.PRICE_ASC:
        return query.order_by(Product.effective_price.asc().nulls_last(), *newest)
    if order is SortOrder.PRICE_DESC:
        return query.order_by(Product.effective_price.desc().nulls_last(), *newest)
    return query.order_by(Product.popularity.desc(), *newest)


def _escape(word: str) -> str:
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
