"""The storefront: visible products only, filtered, searched, sorted and paged in the database.

Filters: `category` (its sub-categories included), `shop_id`, `min_price`/`max_price` on the
effective price (an `offer_only` product has none, so a price bound leaves it out), characteristic
keys (every key given must share a value, case-insensitive; several values of one key are "or"),
and `q`, a text search by word forms (domain/search.py): every query word's stem must be among the
product's terms (from its title, characteristic values and whole description), a misspelt word of
five letters or more standing for its known neighbours one typo away.
Sorts (domain/listing.py): a text search is in relevance order unless a sort is asked for; else
popularity (default), newest, discount, price up or down on the effective price with `offer_only`
products after the priced ones; ties newest first, then by id.
Promotions, which the domain puts first in the popularity order, do not exist yet.

One statement per page, which also carries the exact `total`: an uncorrelated count subquery for a
listing (evaluated once, index-only), a window count for a text search (whose matches are scored
anyway). A misspelt word's candidate terms are looked up in `search_variants` by equality inside
that statement. PostgreSQL finds the matching products through the GIN index on their
`search_terms` and scores each from its own row (`search_title` etc.); SQLite reads
`product_search_terms` through its primary key (term, product, weight) and scores by grouping. Both
compute domain/search.py's score from the same terms, so they answer alike (the relevance set in
the tests runs on both).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    ColumnElement,
    Integer,
    Select,
    String,
    Text,
    and_,
    cast,
    delete,
    distinct,
    exists,
    func,
    insert,
    literal,
    select,
    tuple_,
    union_all,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session, aliased

from services.catalog.domain import search
from services.catalog.domain.categories import CHARACTERISTIC_KEYS, require_category, subtree_slugs
from services.catalog.domain.listing import SortOrder, listing_order
from services.catalog.models import Product, ProductCharacteristic, ProductSearchTerm, SearchVariant
from services.catalog.schemas import ListQuery, load
from services.common.paging import PageRequest

from .common import as_uuid, now
from .views import card_payload

CARD_COLUMNS = (
    Product.id, Product.shop_id, Product.title, Product.category, Product.currency,
    Product.price, Product.effective_price, Product.discount_percent, Product.sale_mode,
    Product.images, Product.free_delivery, Product.created_at, Product.sales,
    Product.official_reseller,
)


def list_products(session: Session, query: Any) -> dict[str, Any]:
    params = load(ListQuery, query or {}, detail="The listing query is not valid.")
    page = PageRequest(params["page"], params["per_page"])
    connection = session.connection()
    statement, counted = statements(params, page, connection.dialect.name)
    rows = connection.execute(statement).all()
    if rows:
        total = rows[0].total
    elif page.offset:
        total = connection.execute(counted).scalar_one()
    else:
        total = 0
    moment = now()
    return page.page_of([card_payload(row, moment) for row in rows], total)


def statements(params: dict[str, Any], page: PageRequest,
               dialect: str = "postgresql") -> tuple[Select, Select]:
    """The page's statement, whose rows each carry the count of every match, and that count
    alone, for a page past the end, which has no row to carry it."""
    conditions = filters(params)
    words = search.parse_query(params.get("q"))
    order = listing_order(params["sort"], searched=bool(words))
    if words and dialect == "postgresql":
        matches, score = _matching_rows(words)
        conditions += matches
        counted = select(func.count()).select_from(Product).where(*conditions)
        # The page is chosen on narrow rows (id and order keys: the window count then holds no
        # more), then its cards are read by primary key.
        chosen = (select(Product.id, score.label("score"), Product.popularity,
                         Product.created_at, Product.effective_price, Product.discount_percent,
                         func.count().over().label("total"))
                  .where(*conditions).order_by(*_order_by(order, Product, score))
                  .limit(page.per_page).offset(page.offset).subquery("chosen"))
        statement = (select(*CARD_COLUMNS, chosen.c.total)
                     .join_from(chosen, Product, Product.id == chosen.c.id)
                     .order_by(*_order_by(order, chosen.c, chosen.c.score)))
        return statement, counted
    score = None
    if words:
        matched = _matched_terms(words)
        score = matched.c.score
        rows = (select(*CARD_COLUMNS, func.count().over().label("total"))
                .join_from(Product, matched, matched.c.product_id == Product.id)
                .where(*conditions))
        counted = (select(func.count()).select_from(Product)
                   .join(matched, matched.c.product_id == Product.id).where(*conditions))
    else:
        counted = select(func.count()).select_from(
            select(Product.id).where(*conditions).subquery())
        rows = select(*CARD_COLUMNS, counted.scalar_subquery().label("total")).where(*conditions)
    statement = (rows.order_by(*_order_by(order, Product, score))
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


def _matching_rows(words: list[search.QueryWord]) -> tuple[list[ColumnElement[bool]],
                                                          ColumnElement[int]]:
    """PostgreSQL: a condition per query word on the product's `search_terms` (GIN), and the
    score computed from the product's row."""
    conditions, score = [], None
    for word in words:
        own = cast(postgresql.array([word.term]), ARRAY(Text))
        candidates = own
        if word.variants:
            known = aliased(Product)
            neighbours = (select(func.array_agg(distinct(SearchVariant.term)))
                          .where(SearchVariant.variant.in_(word.variants),
                                 SearchVariant.term != word.term,
                                 ~exists().where(known.search_terms.contains(own)))
                          .scalar_subquery())
            candidates = own.concat(neighbours)
        conditions.append(Product.search_terms.overlap(candidates))
        fields = (search.TITLE * cast(Product.search_title.overlap(candidates), Integer)
                  + search.CHARACTERISTIC
                  * cast(Product.search_characteristics.overlap(candidates), Integer)
                  + search.DESCRIPTION
                  * cast(Product.search_description.overlap(candidates), Integer))
        exact = cast(Product.search_terms.contains(own), Integer)
        word_score = fields * 2 - 1 + exact
        score = word_score if score is None else score + word_score
    return conditions, score


def _matched_terms(words: list[search.QueryWord]):
    """SQLite: (product_id, score) of the products holding a candidate term for every query
    word, from `product_search_terms`."""
    terms = ProductSearchTerm.__table__
    if len(words) == 1 and not words[0].variants:  # one term: one row per product, no grouping
        return (select(terms.c.product_id, (terms.c.weight * 2).label("score"))
                .where(terms.c.term == words[0].term).subquery("matched"))
    # (word, term, exact): each word's own term, and the known neighbours of a misspelt one
    wanted = union_all(*(
        part for n, word in enumerate(words) for part in (
            select(literal(n, Integer).label("word"), literal(word.term, String).label("term"),
                   literal(1, Integer).label("exact")),
            *([_neighbours(n, word)] if word.variants else []),
        ))).subquery("wanted")
    weight = terms.c.weight
    fields = sum((func.max(weight.op("&")(field)) for field in
                  (search.TITLE, search.CHARACTERISTIC, search.DESCRIPTION)), literal(0))
    best = (select(terms.c.product_id, wanted.c.word,
                   (fields * 2 - 1 + func.max(wanted.c.exact)).label("best"))
            .join_from(wanted, terms, terms.c.term == wanted.c.term)
            .group_by(terms.c.product_id, wanted.c.word).subquery("best"))
    return (select(best.c.product_id, func.sum(best.c.best).label("score"))
            .group_by(best.c.product_id).having(func.count() == len(words))
            .subquery("matched"))


def _neighbours(n: int, word: search.QueryWord) -> Select:
    """SQLite: the known terms one typo away from the query's `n`th word when that word is itself
    no known term."""
    known = aliased(ProductSearchTerm)
    return (select(literal(n, Integer), SearchVariant.term, literal(0, Integer))
            .where(SearchVariant.variant.in_(word.variants), SearchVariant.term != word.term,
                   ~exists().where(known.term == word.term))
            .distinct())


def _order_by(order: SortOrder, keys: Any, score: ColumnElement | None) -> list:
    """The ORDER BY of `order` over `keys` (the Product entity, or a subquery's columns)."""
    newest = [keys.created_at.desc(), keys.id]
    if order is SortOrder.RELEVANCE and score is not None:
        return [score.desc(), keys.popularity.desc(), *newest]
    if order is SortOrder.NEWEST:
        return newest
    if order is SortOrder.DISCOUNT:
        return [keys.discount_percent.desc(), *newest]
    if order is SortOrder.PRICE_ASC:
        return [keys.effective_price.asc().nulls_last(), *newest]
    if order is SortOrder.PRICE_DESC:
        return [keys.effective_price.desc().nulls_last(), *newest]
    return [keys.popularity.desc(), *newest]


# Writing the index ------------------------------------------------------------------------------


def set_search_columns(product: Product) -> search.ProductIndex:
    """Set the product's search columns from its title, description and characteristics."""
    index = search.index_product(product.title, product.description,
                                 dict(product.characteristics or {}))
    for column, terms in search.product_columns(index).items():
        setattr(product, column, terms)
    return index


def write_search_terms(session: Session,
                       indexed: list[tuple[str, search.ProductIndex]]) -> None:
    """After the products' rows are written (product id, its index from `set_search_columns`):
    on SQLite, replace their rows of `product_search_terms`; on both, add the words the catalog
    has not seen before to the spelling index."""
    if session.get_bind().dialect.name != "postgresql":
        ids = [product_id for product_id, _ in indexed]
        session.execute(delete(ProductSearchTerm).where(ProductSearchTerm.product_id.in_(ids)))
        rows = search_term_rows(indexed)
        if rows:
            session.execute(insert(ProductSearchTerm), rows)
    words: dict[str, str] = {}
    for _, index in indexed:
        words.update(index.words)
    remember_words(session, words)


def search_term_rows(indexed: list[tuple[str, search.ProductIndex]]) -> list[dict[str, Any]]:
    """The rows of `product_search_terms` (SQLite searches them) of the indexed products."""
    return [{"term": term, "product_id": product_id, "weight": weight}
            for product_id, index in indexed for term, weight in sorted(index.terms.items())]


def remember_words(session: Session, words: dict[str, str]) -> None:
    """Add the spelling variants of the words (word → term) not yet in `search_variants`. A word
    is known when its own row and its term's are there (each written with all its variants)."""
    markers = {w: {(s, t) for s in (w, t) if len(s) >= search.VARIANT_MIN}
               for w, t in words.items()}
    wanted = set().union(*markers.values()) if markers else set()
    if not wanted:
        return
    found = set(session.execute(
        select(SearchVariant.variant, SearchVariant.term)
        .where(tuple_(SearchVariant.variant, SearchVariant.term).in_(sorted(wanted)))).all())
    new = {w: words[w] for w, pairs in markers.items() if not pairs <= found}
    rows = [{"variant": v, "term": t} for v, t in sorted(search.vocabulary_rows(new))]
    if rows:  # sorted, so writers adding the same words at once lock them in one order
        dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
        session.execute(dialect.insert(SearchVariant).on_conflict_do_nothing(), rows)

