"""`atelier seed --products N`: a realistic catalog written straight into the catalog's database.

    from atelier.seed import seed
    seed(100_000, "postgresql://postgres@127.0.0.1:5432/catalog_bench")

Shops (some verified, some taking card payments, a few sanctioned), products in every category of the
domain's tree with titles, descriptions, characteristics the category allows, prices with discounts,
the three stock modes and sale modes, options with variants, and popularity inputs (views, cart adds,
sales, reviews) with the score the domain computes, and the products' search terms and spelling
index as the catalog writes them. Everything is drawn from one `random.Random(seed)`,
so a seed always gives the same ids and contents; times are counted back from `as_of` (today at
midnight UTC by default). The database is migrated first; rows go in by batches (PostgreSQL: COPY),
so 100,000 products take seconds, not minutes. A seed already in the database is refused.
"""

from __future__ import annotations

import csv
import io
import json
import math
import random
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Table, func, insert, select
from sqlalchemy.dialects.postgresql import ARRAY

from services.catalog.actions.products import characteristic_rows
from services.catalog.domain.categories import CATEGORIES, Category
from services.catalog.domain.popularity import PopularitySignals, popularity_score
from services.catalog.domain.pricing import effective_price
from services.catalog.domain.search import index_product, product_columns, vocabulary_rows
from services.catalog.models import (
    Product,
    ProductCharacteristic,
    ProductSearchTerm,
    SearchVariant,
    Shop,
)
from services.common import migrations, settings
from services.common.db import is_sqlite, make_engine
from services.common.money import Money
from services.common.vocabulary import CONTACT_METHODS

BATCH = 5_000
PRODUCTS_PER_SHOP = 50

NOUNS = {
    "jewelry": ["ring", "pendant", "brooch", "bracelet", "earrings", "necklace"],
    "clothing": ["sweater", "dress", "scarf", "cardigan", "shirt", "hat"],
    "shoes": ["felt boots", "slippers", "moccasins", "sandals"],
    "textile": ["blanket", "towel", "pillowcase", "quilt", "plaid"],
    "toys": ["bunny", "bear", "doll", "fox", "owl", "rocking horse"],
    "furniture": ["stool", "wigwam", "shelf", "cradle"],
    "home-decor": ["candle", "night light", "wreath", "lampshade", "wall hanging"],
    "ceramics": ["mug", "plate", "bowl", "vase", "teapot", "cup"],
    "art": ["painting", "poster", "sticker set", "postcard", "print"],
    "bags": ["tote bag", "backpack", "wallet", "purse", "case"],
    "cosmetics": ["soap", "balm", "bath bomb", "cream", "scrub"],
    "stationery": ["notebook", "sketchbook", "bookmark", "planner"],
}
ADJECTIVES = ["hand-painted", "knitted", "linen", "wooden", "felted", "glazed", "embroidered",
              "vintage-style", "minimalist", "cosy", "rustic", "bright", "tiny", "large",
              "woodland", "nordic", "floral", "lavender", "honey", "ocean"]
MOTIFS = ["with a fox", "with birds", "with roses", "with a cat", "in blue", "with stars",
          "with mountains", "with a moon", "with lavender", "with a whale", "for a gift", ""]
COLORS = ["red", "blue", "green", "white", "black", "yellow", "pink", "grey", "brown", "beige"]
MATERIALS = ["cotton", "linen", "wool", "silver", "clay", "porcelain", "leather", "wood", "felt"]
VALUES = {
    "color": COLORS, "material": MATERIALS, "age": ["0+", "1+", "3+", "6+", "12+"],
    "gender": ["girls", "boys", "women", "men", "unisex"],
    "shoe_size": [str(n) for n in range(35, 46)], "clothing_size": ["XS", "S", "M", "L", "XL"],
    "theme": ["animals", "nature", "space", "city", "abstract", "holidays"],
}
SHOP_WORDS = ["Clay", "Fox", "Linen", "Honey", "Birch", "Wool", "Moon", "Maple", "Fern", "Amber"]


def seed(products: int, database_url: str | None = None, shops: int | None = None,
         seed: int = 1, as_of: datetime | None = None) -> dict[str, Any]:
    """Write `products` products (and `shops` shops, one per 50 products by default) into the
    catalog's database; returns what was written. Migrates the database first."""
    if products < 0:
        raise ValueError("products must be 0 or more")
    url = database_url or settings.database_url("catalog")
    migrations.upgrade("catalog", url)
    rng = random.Random(seed)
    shop_count = shops if shops is not None else max(1, math.ceil(products / PRODUCTS_PER_SHOP))
    anchor = as_of or datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    shop_rows = [_shop(rng, n, anchor) for n in range(shop_count)]

    engine = make_engine(url, pool_size=1)
    try:
        with engine.begin() as conn:
            if conn.execute(select(func.count()).select_from(Shop).where(
                    Shop.id == shop_rows[0]["id"])).scalar():
                raise ValueError(f"seed {seed} is already in this database; use another seed")
            copy = _copier(conn, engine)
            copy(Shop.__table__, shop_rows)
            written = characteristics = 0
            words: dict[str, str] = {}
            for batch in _batches(rng, products, shop_rows, anchor):
                rows = [row for row, _ in batch]
                traits = [t for _, ts in batch for t in ts]
                terms = _search_terms(rows, words)
                copy(Product.__table__, rows)
                copy(ProductCharacteristic.__table__, traits)
                if is_sqlite(engine):  # PostgreSQL searches the products' own arrays
                    copy(ProductSearchTerm.__table__, terms)
                written += len(rows)
                characteristics += len(traits)
            known = set(conn.execute(select(SearchVariant.variant, SearchVariant.term)).all())
            copy(SearchVariant.__table__, [{"variant": v, "term": t}
                                           for v, t in sorted(vocabulary_rows(words) - known)])
        if not is_sqlite(engine):  # fresh statistics and visibility map: index-only counts
            with engine.connect() as conn:
                conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql(
                    "VACUUM ANALYZE shops, products, product_characteristics, "
                    "product_search_terms, search_variants")
    finally:
        engine.dispose()
    return {"seed": seed, "shops": len(shop_rows), "products": written,
            "characteristics": characteristics}


# Rows -------------------------------------------------------------------------------------------


def _uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _shop(rng: random.Random, n: int, anchor: datetime) -> dict[str, Any]:
    roll = rng.random()
    status = "active" if roll < 0.97 else "products_hidden" if roll < 0.99 else "blocked"
    created = anchor - timedelta(days=rng.randint(30, 900))
    name = f"{rng.choice(SHOP_WORDS)} {rng.choice(['workshop', 'studio', 'house', 'craft'])} {n}"
    return {
        "id": _uuid(rng), "owner_id": _uuid(rng), "name": name, "currency": "RUB",
        "about": f"{name}: handmade since {created.year}.",
        "delivery_and_payment": "Russian Post and CDEK; card or transfer.",
        "logo_url": None, "banner_url": None,
        "rules": {"confirm_days": 3, "prepayment_percent": rng.choice([0, 0, 30, 50, 100]),
                  "returns": "Within 14 days.", "shipping_terms": "", "non_returnable": "",
                  "other": ""},
        "contact_methods": list(CONTACT_METHODS),
        "legal": None, "vacation": None, "status": status,
        "reliable_seller": rng.random() < 0.2, "online_payment": rng.random() < 0.5,
        "created_at": created, "updated_at": created,
    }


def _batches(rng: random.Random, count: int, shops: list[dict[str, Any]],
             anchor: datetime) -> Iterator[list[tuple[dict, list[dict]]]]:
    batch = []
    for _ in range(count):
        batch.append(_product(rng, rng.choice(shops), anchor))
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _top(category: Category) -> str:
    return category.parent_slug or category.slug


def _product(rng: random.Random, shop: dict[str, Any],
             anchor: datetime) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    category = rng.choice(CATEGORIES)
    noun = rng.choice(NOUNS[_top(category)])
    title = f"{rng.choice(ADJECTIVES).capitalize()} {noun} {rng.choice(MOTIFS)}".strip()
    description = (f"A {noun} made by hand in small batches. Every piece is a little different; "
                   f"the photos show the one you will get.")
    price = int(math.exp(rng.uniform(math.log(30_000), math.log(3_000_000)))) // 100 * 100
    discount = 0 if rng.random() < 0.7 else rng.choice([5, 10, 15, 20, 25, 30, 40, 50])
    sale_mode = rng.choices(["buy_now", "buy_now_or_offer", "offer_only"], [90, 7, 3])[0]
    mode = rng.choices(["tracked", "made_to_order", "untracked"], [50, 35, 15])[0]
    traits = {key: rng.sample(VALUES[key], rng.choice([1, 1, 2]))
              for key in category.characteristics if key == "color" or rng.random() < 0.6}
    product_id = _uuid(rng)
    options = []
    if rng.random() < 0.3:
        options = [{"id": _uuid(rng), "name": "Colour", "kind": "select", "required": True,
                    "variants": [{"id": _uuid(rng), "label": c.capitalize(),
                                  "price_delta": rng.choice([0, 0, 5000, 10000])}
                                 for c in rng.sample(COLORS, rng.randint(2, 4))]}]
    images = [f"https://img.atelier.example/{product_id}/{n}.jpg"
              for n in range(rng.choices([0, 1, 3, 5], [5, 35, 35, 25])[0])]
    sales = int(rng.paretovariate(1.5)) - 1
    reviews = rng.randint(0, sales)
    signals = PopularitySignals(
        sales=sales, views=int(rng.paretovariate(1.2) * 20), cart_adds=int(rng.paretovariate(1.4) * 2),
        images=len(images), has_options=bool(options), reliable_seller=shop["reliable_seller"],
        review_count=reviews, average_rating=rng.uniform(3.5, 5.0) if reviews else 0.0,
        online_payment=shop["online_payment"],
    )
    enabled = rng.random() < 0.97
    created = anchor - timedelta(seconds=rng.randint(0, 180 * 86_400))
    row = {
        "id": product_id, "shop_id": shop["id"], "title": title, "description": description,
        "category": category.slug, "currency": shop["currency"], "price": price,
        "discount_percent": discount,
        "effective_price": (effective_price(Money(price, "RUB"), discount).amount
                            if sale_mode != "offer_only" else None),
        "sale_mode": sale_mode, "images": images, "video_url": None, "stock_mode": mode,
        "stock_on_hand": rng.randint(0, 20) if mode == "tracked" else None, "stock_reserved": 0,
        "production_days": rng.randint(3, 30) if mode == "made_to_order" else None,
        "weight_grams": rng.randint(50, 3000), "free_delivery": rng.random() < 0.15,
        "options": options, "wholesale": [], "global_option_ids": [], "characteristics": traits,
        "enabled": enabled, "hidden_by_moderation": False, "official_reseller": rng.random() < 0.01,
        "listed": enabled and shop["status"] == "active",
        "views": signals.views, "cart_adds": signals.cart_adds, "sales": sales,
        "review_count": reviews, "rating_sum": round(signals.average_rating * reviews),
        "popularity": popularity_score(signals), "created_at": created, "updated_at": created,
    }
    return row, characteristic_rows(product_id, traits)


def _search_terms(rows: list[dict[str, Any]], words: dict[str, str]) -> list[dict[str, Any]]:
    """The products' search terms (domain/search.py): set in their rows' search columns and
    returned as rows of `product_search_terms`; their words are added to `words`."""
    terms = []
    for row in rows:
        index = index_product(row["title"], row["description"], row["characteristics"])
        row.update(product_columns(index))
        terms.extend({"term": t, "product_id": row["id"], "weight": w}
                     for t, w in index.terms.items())
        words.update(index.words)
    return terms


# Writing ----------------------------------------------------------------------------------------


def _copier(conn, engine):
    """Bulk insert: COPY on PostgreSQL, batched executemany on SQLite."""
    if is_sqlite(engine):
        def insert_rows(table: Table, rows: list[dict[str, Any]]) -> None:
            if rows:
                conn.execute(insert(table), rows)
        return insert_rows

    cursor = conn.connection.dbapi_connection.cursor()

    def copy_rows(table: Table, rows: list[dict[str, Any]]) -> None:
        if not rows:
            return
        # The columns the seed fills; the others take their defaults (a later revision's
        # columns, such as a shop's rating, start as a new row of the catalog's would).
        columns = [c.name for c in table.columns if c.name in rows[0]]
        arrays = {c.name for c in table.columns if isinstance(c.type, ARRAY)}
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        for row in rows:
            writer.writerow([_array(row[c]) if c in arrays else _csv(row[c]) for c in columns])
        buffer.seek(0)
        cursor.copy_expert(
            f"COPY {table.name} ({', '.join(columns)}) FROM STDIN WITH (FORMAT csv, NULL '\\N')",
            buffer,
        )
    return copy_rows


def _array(value: list[str]) -> str:
    """A PostgreSQL array literal of search terms (letters and digits only; quoted, so a term
    "null" stays a word)."""
    return "{" + ",".join(f'"{term}"' for term in value) + "}"


def _csv(value: Any) -> Any:
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, list | dict):
        return json.dumps(value, separators=(",", ":"))
    if isinstance(value, datetime):
        return value.isoformat()
    return value
