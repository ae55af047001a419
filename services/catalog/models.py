"""Tables the catalog service owns. No other service reads them.

Money is an integer of minor units; a product keeps its shop's currency beside its price, so a
listing never joins the shop to show a price. Ids are UUIDs as text (the same on both backends).

A product's storefront visibility is kept in one column, `listed` = enabled, not hidden by moderation,
and its shop `active`; every change to one of those inputs rewrites it, so every listing index can be
partial on `listed` and a listing never joins the shops table.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from services.common.db import new_metadata
from services.common.kernel_tables import SEQ, add_kernel_tables

ID = String(36)
LISTED_PG = text("listed")
LISTED_SQLITE = text("listed = 1")
TERMS = ARRAY(Text).with_variant(JSON(), "sqlite")


class Base(DeclarativeBase):
    metadata = new_metadata()


OUTBOX, INBOX, COMMANDS = add_kernel_tables(Base.metadata)


class Shop(Base):
    __tablename__ = "shops"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    owner_id: Mapped[str] = mapped_column(ID, nullable=False, unique=True)  # one shop per seller
    name: Mapped[str] = mapped_column(String(100), nullable=False)
    currency: Mapped[str] = mapped_column(String(3), nullable=False)
    about: Mapped[str] = mapped_column(Text, nullable=False, default="")
    delivery_and_payment: Mapped[str] = mapped_column(Text, nullable=False, default="")
    logo_url: Mapped[str | None] = mapped_column(String(500))
    banner_url: Mapped[str | None] = mapped_column(String(500))
    rules: Mapped[dict] = mapped_column(JSON, nullable=False)
    contact_methods: Mapped[list] = mapped_column(JSON, nullable=False)
    legal: Mapped[dict | None] = mapped_column(JSON)
    vacation: Mapped[dict | None] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(20), nullable=False, default="active")
    reliable_seller: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    online_payment: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    # From payments (`shop.payment_settings_changed`): `{timing, surcharge_percent, surcharge_label}`,
    # the terms a checkout writes into its orders (the surcharge as a decimal string).
    payment_terms: Mapped[dict | None] = mapped_column(JSON)
    # The shop's rating (domain/ratings.py): the sum and the count of its public review ratings.
    rating_sum: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0,
                                            server_default=text("0"))
    rating_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0,
                                              server_default=text("0"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)


class Sanction(Base):
    """A moderation sanction in force (from `shop.sanctioned`, removed by `shop.sanction_lifted`).

    The shop's status and a product's `hidden_by_moderation` are recomputed from the rows here, so
    several sanctions at once, lifted in any order, leave the right state.
    """

    __tablename__ = "shop_sanctions"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    shop_id: Mapped[str] = mapped_column(ID, nullable=False, index=True)
    kind: Mapped[str] = mapped_column(String(30), nullable=False)
    product_id: Mapped[str | None] = mapped_column(ID, index=True)
    reason: Mapped[str] = mapped_column(Text, nullable=False, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)


class Product(Base):
    __tablename__ = "products"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    shop_id: Mapped[str] = mapped_column(ID, ForeignKey("shops.id"), nullable=False)
    title: Mapped[str] = mapped_column(String(150), nullable=False)
    description: Mapped[str] = mapped_column(Text, nullable=False, default="")
    category: Mapped[str] = mapped_column(String(50), nullable=False)  # the category's slug
    currency: Mapped[str] = mapped_column(String(3), nullable=False)
    price: Mapped[int] = mapped_column(BigInteger, nullable=False)
    discount_percent: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    # price with the discount applied; NULL for offer_only (no public price)
    effective_price: Mapped[int | None] = mapped_column(BigInteger)
    sale_mode: Mapped[str] = mapped_column(String(20), nullable=False, default="buy_now")
    images: Mapped[list] = mapped_column(JSON, nullable=False)
    video_url: Mapped[str | None] = mapped_column(String(300))
    stock_mode: Mapped[str] = mapped_column(String(20), nullable=False)
    stock_on_hand: Mapped[int | None] = mapped_column(Integer)  # tracked only
    stock_reserved: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    production_days: Mapped[int | None] = mapped_column(Integer)
    weight_grams: Mapped[int | None] = mapped_column(Integer)
    free_delivery: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    options: Mapped[list] = mapped_column(JSON, nullable=False)  # with option and variant ids
    wholesale: Mapped[list] = mapped_column(JSON, nullable=False)
    global_option_ids: Mapped[list] = mapped_column(JSON, nullable=False)
    characteristics: Mapped[dict] = mapped_column(JSON, nullable=False)
    enabled: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    hidden_by_moderation: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    official_reseller: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    listed: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    # Text search (domain/search.py): every term of the product, found through a GIN index on
    # PostgreSQL, and the terms of each field, which rank a match. SQLite keeps them as JSON and
    # searches `product_search_terms` instead.
    search_terms: Mapped[list] = mapped_column(TERMS, nullable=False, default=list)
    search_title: Mapped[list] = mapped_column(TERMS, nullable=False, default=list)
    search_characteristics: Mapped[list] = mapped_column(TERMS, nullable=False, default=list)
    search_description: Mapped[list] = mapped_column(TERMS, nullable=False, default=list)
    views: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    cart_adds: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    sales: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    review_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    rating_sum: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    popularity: Mapped[float] = mapped_column(Float, nullable=False, default=0.0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)

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
    product_id: Mapped[str] = mapped_column(
        ID, ForeignKey("products.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    weight: Mapped[int] = mapped_column(SmallInteger, nullable=False)


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

    product_id: Mapped[str] = mapped_column(
        ID, ForeignKey("products.id", ondelete="CASCADE"), primary_key=True
    )
    key: Mapped[str] = mapped_column(String(20), primary_key=True)
    value: Mapped[str] = mapped_column(String(50), primary_key=True)

    __table_args__ = (Index("ix_product_characteristics_key_value", "key", "value", "product_id"),)


class GlobalOption(Base):
    """A shop's option that several products attach by id (`global_option_ids`)."""

    __tablename__ = "global_options"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    shop_id: Mapped[str] = mapped_column(ID, ForeignKey("shops.id"), nullable=False, index=True)
    name: Mapped[str] = mapped_column(String(100), nullable=False)
    kind: Mapped[str] = mapped_column(String(20), nullable=False)
    required: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    variants: Mapped[list] = mapped_column(JSON, nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)


class Collection(Base):
    __tablename__ = "collections"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    shop_id: Mapped[str] = mapped_column(ID, ForeignKey("shops.id"), nullable=False, index=True)
    name: Mapped[str] = mapped_column(String(100), nullable=False)
    product_ids: Mapped[list] = mapped_column(JSON, nullable=False)
    # The cover image as the gateway resolved it from an upload: {id, url, page_url, ...}.
    cover: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)


class Reservation(Base):
    """The stock an order holds. `held` at checkout, `committed` once the order is placed,
    `fulfilled` when it ships (the units leave), `released` when it is cancelled or expires."""

    __tablename__ = "reservations"

    order_id: Mapped[str] = mapped_column(ID, primary_key=True)
    status: Mapped[str] = mapped_column(String(20), nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)


class ReservationLine(Base):
    __tablename__ = "reservation_lines"

    order_id: Mapped[str] = mapped_column(
        ID, ForeignKey("reservations.order_id", ondelete="CASCADE"), primary_key=True
    )
    product_id: Mapped[str] = mapped_column(ID, primary_key=True)
    quantity: Mapped[int] = mapped_column(Integer, nullable=False)
    # whether the product's stock was tracked when reserved: only those units are held
    tracked: Mapped[bool] = mapped_column(Boolean, nullable=False)


class OrderSale(Base):
    """An order as the `hit` label and popularity see it (domain/sales.py): its lines from
    `order.placed`, and whether its products count as bought (`placed`, `paid`, `ended`). `lines`
    is NULL for an order cancelled before its `order.placed` arrived."""

    __tablename__ = "order_sales"

    order_id: Mapped[str] = mapped_column(ID, primary_key=True)
    state: Mapped[str] = mapped_column(String(10), nullable=False)
    lines: Mapped[list | None] = mapped_column(JSON)  # [{product_id, quantity}]
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)


class ProductView(Base):
    """A visitor's view of a product page, waiting to be added to its product's `views`.

    A view only appends here: the product's row (and every index entry of it, since popularity is
    indexed) is rewritten once per batch by `fold_views`, not once per page, so visitors of a
    popular product do not queue on its row lock."""

    __tablename__ = "product_views"

    seq: Mapped[int] = mapped_column(SEQ, primary_key=True, autoincrement=True)
    product_id: Mapped[str] = mapped_column(ID)
