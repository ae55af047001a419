"""`atelier seed --products N`: a realistic catalog, imported through the catalog's own use case.

    from atelier.seed import seed
    seed(100_000, "postgresql://postgres@127.0.0.1:5432/catalog_bench")

Shops (some verified, some taking card payments, a few sanctioned), products in every category of the
domain's tree with titles, descriptions, characteristics the category allows, prices with discounts,
the three stock modes and sale modes, options with variants, and popularity inputs (views, cart adds,
sales, reviews). Everything is drawn from one `random.Random(seed)`, so a seed always gives the same
ids and contents; times are counted back from `as_of` (today at midnight UTC by default).

Here only the bodies are made: the catalog writes them, as an operator's import
(`services/catalog/actions/imports.py`: the shop and product bodies its API takes, checked by the
same rules, every derived column — search terms, effective price, `listed`, the popularity score —
computed by the code that creates one product; rows by batches, COPY on PostgreSQL). 100,000
products take about a minute and a half on a busy two-core machine, most of it the checks every
body passes (the schema's load above all). Sanctions go through the catalog's handler of
`shop.sanctioned`. The database is migrated first. A seed already in the database is refused.
"""

from __future__ import annotations

import math
import random
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.orm import sessionmaker

from services.catalog.actions import effects, imports
from services.catalog.domain.categories import CATEGORIES, Category
from services.common import migrations, settings
from services.common.caller import Caller
from services.common.db import Db, make_engine
from services.common.errors import Conflict
from services.common.outbox import EventRecorder
from services.common.uow import UnitOfWork
from services.common.vocabulary import CONTACT_METHODS

OPERATOR = Caller(user_id="atelier-seed", roles=frozenset({"system"}))
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
    """Import `products` products (and `shops` shops, one per 50 products by default) into the
    catalog's database; returns what was written. Migrates the database first."""
    if products < 0:
        raise ValueError("products must be 0 or more")
    url = database_url or settings.database_url("catalog")
    migrations.upgrade("catalog", url)
    rng = random.Random(seed)
    shop_count = shops if shops is not None else max(1, math.ceil(products / PRODUCTS_PER_SHOP))
    anchor = as_of or datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    shop_bodies = [_shop(rng, n, anchor) for n in range(shop_count)]
    sanctions = [_sanction(rng, body) for body in shop_bodies]

    engine = make_engine(url, pool_size=1)
    try:
        uow = UnitOfWork(Db(sessionmaker(bind=engine, expire_on_commit=False), engine),
                         EventRecorder("catalog"))
        try:
            imports.import_shops(uow, OPERATOR, {"shops": shop_bodies})
        except Conflict:
            raise ValueError(f"seed {seed} is already in this database; use another seed") from None
        written = imports.import_products(
            uow, OPERATOR, {"products": _products(rng, products, shop_bodies, anchor)})
        with uow:  # as moderation's `shop.sanctioned` would
            for sanction in filter(None, sanctions):
                effects.shop_sanctioned(uow, sanction)
        if engine.dialect.name == "postgresql":  # fresh statistics and visibility map
            with engine.connect() as conn:
                conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql(
                    "VACUUM ANALYZE shops, products, product_characteristics, "
                    "product_search_terms, search_variants")
    finally:
        engine.dispose()
    return {"seed": seed, "shops": len(shop_bodies), **written}


# Rows -------------------------------------------------------------------------------------------


def _uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _shop(rng: random.Random, n: int, anchor: datetime) -> dict[str, Any]:
    """A shop's body as an import takes it (`ShopIn` with the import's fields)."""
    created = anchor - timedelta(days=rng.randint(30, 900))
    name = f"{rng.choice(SHOP_WORDS)} {rng.choice(['workshop', 'studio', 'house', 'craft'])} {n}"
    return {
        "id": _uuid(rng), "owner_id": _uuid(rng), "name": name, "currency": "RUB",
        "about": f"{name}: handmade since {created.year}.",
        "delivery_and_payment": "Russian Post and CDEK; card or transfer.",
        "rules": {"confirm_days": 3, "prepayment_percent": rng.choice([0, 0, 30, 50, 100]),
                  "returns": "Within 14 days.", "shipping_terms": "", "non_returnable": "",
                  "other": ""},
        "contact_methods": list(CONTACT_METHODS),
        "reliable_seller": rng.random() < 0.2, "online_payment": rng.random() < 0.5,
        "created_at": created.isoformat(),
    }


def _sanction(rng: random.Random, shop: dict[str, Any]) -> dict[str, Any] | None:
    """Moderation's `shop.sanctioned` for about 3 shops in 100 (products hidden, or blocked)."""
    roll = rng.random()
    if roll < 0.97:
        return None
    return {"sanction_id": _uuid(rng), "shop_id": shop["id"], "product_id": None,
            "kind": "products_hidden" if roll < 0.99 else "storefront_blocked",
            "reason": "Seeded sanction."}


def _products(rng: random.Random, count: int, shops: list[dict[str, Any]],
              anchor: datetime) -> Iterator[dict[str, Any]]:
    for _ in range(count):
        yield _product(rng, rng.choice(shops), anchor)


def _top(category: Category) -> str:
    return category.parent_slug or category.slug


def _product(rng: random.Random, shop: dict[str, Any], anchor: datetime) -> dict[str, Any]:
    """A product's body as an import takes it (`NewProductIn` with the import's fields)."""
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
    images = [_image(product_id, n) for n in range(rng.choices([0, 1, 3, 5], [5, 35, 35, 25])[0])]
    sales = int(rng.paretovariate(1.5)) - 1
    reviews = rng.randint(0, sales)
    views = int(rng.paretovariate(1.2) * 20)
    cart_adds = int(rng.paretovariate(1.4) * 2)
    rating = rng.uniform(3.5, 5.0) if reviews else 0.0
    enabled = rng.random() < 0.97
    created = anchor - timedelta(seconds=rng.randint(0, 180 * 86_400))
    return {
        "id": product_id, "shop_id": shop["id"], "title": title, "description": description,
        "category": category.slug, "price": price, "discount_percent": discount,
        "sale_mode": sale_mode, "images": images,
        "stock": {"mode": mode, "quantity": rng.randint(0, 20) if mode == "tracked" else None,
                  "production_days": rng.randint(3, 30) if mode == "made_to_order" else None},
        "weight_grams": rng.randint(50, 3000), "free_delivery": rng.random() < 0.15,
        "options": options, "characteristics": traits, "enabled": enabled,
        "official_reseller": rng.random() < 0.01,
        "views": views, "cart_adds": cart_adds, "sales": sales,
        "review_count": reviews, "rating_sum": round(rating * reviews),
        "created_at": created.isoformat(),
    }


def _image(product_id: str, n: int) -> dict[str, Any]:
    base = f"/media/products/{product_id}/{n}"  # as the gateway resolves a seller's upload
    return {"id": f"{product_id}-{n}", "url": f"{base}.jpg", "page_url": f"{base}-page.jpg",
            "thumb_url": f"{base}-thumb.jpg", "width": 1200, "height": 1200}
