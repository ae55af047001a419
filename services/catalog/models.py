"""Tables the catalog service owns. No other service reads them.

Money is an integer of minor units; a product keeps its shop's currency beside its price, so a
listing never joins the shop to show a price. Ids are UUIDs as text (the same on both backends).

A product's storefront visibility is kept in one column, `listed` = enabled, not hidden by moderation,
and its shop `active`; every change to one of those inputs rewrites it, so every listing index can be
partial on `listed` and a listing never joins the shops table.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, BigInteger, Float, ForeignKey, Index, SmallInteger, String, Text, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, mapped_column

from services.common.kernel_tables import SEQ
from services.common.orm import Amount, Currency, Id, Key, service_base

LISTED_PG = text("listed")
LISTED_SQLITE = text("listed = 1")
TERMS = ARRAY(Text).with_variant(JSON(), "sqlite")

Base = service_base()


class Shop(Base):
    __tablename__ = "shops"

    id: Mapped[Key]
    owner_id: Mapped[Id] = mapped_column(unique=True)  # one shop per seller
    name: Mapped[str] = mapped_column(String(100))
    currency: Mapped[Currency]
    about: Mapped[str] = mapped_column(Text, default="")
    delivery_and_payment: Mapped[str] = mapped_column(Text, default="")
    logo_url: Mapped[str | None] = mapped_column(String(500))
    banner_url: Mapped[str | None] = mapped_column(String(500))
    rules: Mapped[dict]
    contact_methods: Mapped[list]
    legal: Mapped[dict | None]
    vacation: Mapped[dict | None]
    status: Mapped[str] = mapped_column(String(20), default="active")
    reliable_seller: Mapped[bool] = mapped_column(default=False)
    online_payment: Mapped[bool] = mapped_column(default=False)
    # From payments (`shop.payment_settings_changed`): `{timing, surcharge_percent, surcharge_label}`,
    # the terms a checkout writes into its orders (the surcharge as a decimal string).
    payment_terms: Mapped[dict | None]
    # The shop's rating (domain/ratings.py): the sum and the count of its public review ratings.
    rating_sum: Mapped[int] = mapped_column(BigInteger, default=0, server_default=text("0"))
    rating_count: Mapped[int] = mapped_column(default=0, server_default=text("0"))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class Sanction(Base):
    """A moderation sanction in force (from `shop.sanctioned`, removed by `shop.sanction_lifted`).

    The shop's status and a product's `hidden_by_moderation` are recomputed from the rows here, so
    several sanctions at once, lifted in any order, leave the right state.
    """

    __tablename__ = "shop_sanctions"

    id: Mapped[Key]
    shop_id: Mapped[Id] = mapped_column(index=True)
    kind: Mapped[str] = mapped_column(String(30))
    product_id: Mapped[Id | None] = mapped_column(index=True)
    reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime]


class Product(Base):
    __tablename__ = "products"

    id: Mapped[Key]
    shop_id: Mapped[Id] = mapped_column(ForeignKey("shops.id"))
    title: Mapped[str] = mapped_column(String(150))
    description: Mapped[str] = mapped_column(Text, default="")
    category: Mapped[str] = mapped_column(String(50))  # the category's slug
    currency: Mapped[Currency]
    price: Mapped[Amount]
    discount_percent: Mapped[int] = mapped_column(default=0)
    # price with the discount applied; NULL for offer_only (no public price)
    effective_price: Mapped[Amount | None]
    sale_mode: Mapped[str] = mapped_column(String(20), default="buy_now")
    images: Mapped[list]
    video_url: Mapped[str | None] = mapped_column(String(300))
    stock_mode: Mapped[str] = mapped_column(String(20))
    stock_on_hand: Mapped[int | None]  # tracked only
    stock_reserved: Mapped[int] = mapped_column(default=0)
    production_days: Mapped[int | None]
    weight_grams: Mapped[int | None]
    free_delivery: Mapped[bool] = mapped_column(default=False)
    options: Mapped[list]  # with option and variant ids
    wholesale: Mapped[list]
    global_option_ids: Mapped[list]
    characteristics: Mapped[dict]
    enabled: Mapped[bool] = mapped_column(default=True)
    hidden_by_moderation: Mapped[bool] = mapped_column(default=False)
    official_reseller: Mapped[bool] = mapped_column(default=False)
    listed: Mapped[bool] = mapped_column(default=True)
    # Text search (domain/search.py): every term of the product, found through a GIN index on
    # PostgreSQL, and the terms of each field, which rank a match. SQLite keeps them as JSON and
    # searches `product_search_terms` instead.
    search_terms: Mapped[list] = mapped_column(TERMS, default=list)
    search_title: Mapped[list] = mapped_column(TERMS, default=list)
    search_characteristics: Mapped[list] = mapped_column(TERMS, default=list)
    search_description: Mapped[list] = mapped_column(TERMS, default=list)
    views: Mapped[int] = mapped_column(BigInteger, default=0)
    cart_adds: Mapped[int] = mapped_column(BigInteger, default=0)
    sales: Mapped[int] = mapped_column(BigInteger, default=0)
    review_count: Mapped[int] = mapped_column(default=0)
    rating_sum: Mapped[int] = mapped_column(default=0)
    popularity: Mapped[float] = mapped_column(Float, default=0.0)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    __table_args__ = (
        # Storefront listings: visible products only, one index per sort order, the category one
        # leading with the category so a subtree's few slugs are read in popularity order.
        Index("ix_products_listed_category_popularity", "category", "popularity",
              postgresql_where=LISTED_PG, sqlite_where=LISTED_SQLITE),
        Index("ix_products_listed_popularity", "popularity",
              postgresql_where=LISTED_PG, sqlite_where=LISTED_SQLITE),
        Index("ix_products_listed_effective_price", "effective_price",
              postgresql_where=LISTED_PG, sqlite_where=LISTED_SQLITE),
        Index("ix_products_listed_created_at", "created_at",
              postgresql_where=LISTED_PG, sqlite_where=LISTED_SQLITE),
        Index("ix_products_listed_discount", "discount_percent",
              postgresql_where=LISTED_PG, sqlite_where=LISTED_SQLITE),
        Index("ix_products_shop_id_created_at", "shop_id", "created_at"),
        # Text search on PostgreSQL; `WHERE 0` keeps SQLite's copy of this index empty.
        Index("ix_products_search_terms", "search_terms", postgresql_using="gin",
              sqlite_where=text("0")),
    )


class ProductSearchTerm(Base):
    """A term (stemmed word) a product is found by, and the weight of the fields it occurs in
    (domain/search.py): SQLite's inverted index for `q`, written with the product and read through
    the primary key, which holds the weight too (WITHOUT ROWID). PostgreSQL searches the
    products' own `search_*` arrays and leaves this table empty."""

    __tablename__ = "product_search_terms"
    __table_args__ = {"sqlite_with_rowid": False}

    term: Mapped[str] = mapped_column(String(60), primary_key=True)
    product_id: Mapped[Id] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"),
                                           primary_key=True, index=True)
    weight: Mapped[int] = mapped_column(SmallInteger)


class SearchVariant(Base):
    """The spelling index of every word and term the catalog has seen: each one-letter deletion
    of it (and itself) leads to its term, so a misspelt query word finds its neighbours by equality
    (domain/search.py). Rows are only ever added; a term no product holds any more matches nothing."""

    __tablename__ = "search_variants"

    variant: Mapped[str] = mapped_column(String(60), primary_key=True)
    term: Mapped[str] = mapped_column(String(60), primary_key=True)


class ProductCharacteristic(Base):
    """One value of one characteristic of a product, case-folded: what the listing filters on."""

    __tablename__ = "product_characteristics"

    product_id: Mapped[Id] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"),
                                           primary_key=True)
    key: Mapped[str] = mapped_column(String(20), primary_key=True)
    value: Mapped[str] = mapped_column(String(50), primary_key=True)

    __table_args__ = (Index("ix_product_characteristics_key_value", "key", "value", "product_id"),)


class GlobalOption(Base):
    """A shop's option that several products attach by id (`global_option_ids`)."""

    __tablename__ = "global_options"

    id: Mapped[Key]
    shop_id: Mapped[Id] = mapped_column(ForeignKey("shops.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(20))
    required: Mapped[bool] = mapped_column(default=False)
    variants: Mapped[list]
    created_at: Mapped[datetime]


class Collection(Base):
    __tablename__ = "collections"

    id: Mapped[Key]
    shop_id: Mapped[Id] = mapped_column(ForeignKey("shops.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    product_ids: Mapped[list]
    # The cover image as the gateway resolved it from an upload: {id, url, page_url, ...}.
    cover: Mapped[dict | None]
    created_at: Mapped[datetime]


class Reservation(Base):
    """The stock an order holds. `held` at checkout, `committed` once the order is placed,
    `fulfilled` when it ships (the units leave), `released` when it is cancelled or expires."""

    __tablename__ = "reservations"

    order_id: Mapped[Key]
    status: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class ReservationLine(Base):
    __tablename__ = "reservation_lines"

    order_id: Mapped[Id] = mapped_column(ForeignKey("reservations.order_id", ondelete="CASCADE"),
                                         primary_key=True)
    product_id: Mapped[Key]
    quantity: Mapped[int]
    # whether the product's stock was tracked when reserved: only those units are held
    tracked: Mapped[bool]


class OrderSale(Base):
    """An order as the `hit` label and popularity see it (domain/sales.py): its lines from
    `order.placed`, and whether its products count as bought (`placed`, `paid`, `ended`). `lines`
    is NULL for an order cancelled before its `order.placed` arrived."""

    __tablename__ = "order_sales"

    order_id: Mapped[Key]
    state: Mapped[str] = mapped_column(String(10))
    lines: Mapped[list | None]  # [{product_id, quantity}]
    updated_at: Mapped[datetime]


class ProductView(Base):
    """A visitor's view of a product page, waiting to be added to its product's `views`.

    A view only appends here: the product's row (and every index entry of it, since popularity is
    indexed) is rewritten once per batch by `fold_views`, not once per page, so visitors of a
    popular product do not queue on its row lock."""

    __tablename__ = "product_views"

    seq: Mapped[int] = mapped_column(SEQ, primary_key=True, autoincrement=True)
    product_id: Mapped[Id]
