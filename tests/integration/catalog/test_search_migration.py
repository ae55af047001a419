"""Migration 0006 indexes the products already in the catalog, on each backend: after the upgrade
they are found by word forms and typos exactly as products written afterwards are."""

from __future__ import annotations

import random
from datetime import UTC, datetime
from types import SimpleNamespace

import pytest
from sqlalchemy import MetaData, func, insert, select
from sqlalchemy.orm import Session

from atelier.seed import _product, _shop
from services.catalog.actions.imports import product_row, shop_row
from services.catalog.actions.listing import list_products
from services.catalog.models import Product, ProductSearchTerm, SearchVariant
from services.common import migrations
from services.common.db import make_engine

pytestmark = pytest.mark.integration

AS_OF = datetime(2026, 7, 1, tzinfo=UTC)


def test_existing_products_are_indexed_by_the_upgrade(databases):
    url = databases.url("catalog")
    migrations.upgrade("catalog", url, revision="0004")
    engine = make_engine(url, pool_size=1)
    try:
        rng = random.Random(5)
        body = _shop(rng, 0, AS_OF)
        shop = shop_row(body, 0, AS_OF)  # the rows the catalog's import writes for the seed
        with Session(engine) as session:
            rows = [product_row(session, {shop["id"]: SimpleNamespace(**shop)},
                                _product(rng, body, AS_OF), n, AS_OF)[0] for n in range(40)]
        rows[0].update(title="Кружка с лисой", description="Глина. " * 400 + "Подарок.",
                       listed=True, enabled=True)
        with engine.begin() as conn:  # the tables as revision 0004 left them
            tables = MetaData()
            tables.reflect(conn, only=["shops", "products"])
            conn.execute(insert(tables.tables["shops"]), [shop])
            columns = set(tables.tables["products"].c.keys())
            conn.execute(insert(tables.tables["products"]),
                         [{**{k: v for k, v in row.items() if k in columns}, "search_text": ""}
                          for row in rows])

        migrations.upgrade("catalog", url)

        with Session(engine) as session:
            mug = rows[0]["id"]
            for q in ("кружки", "крушка", "подарки"):
                assert [p["id"] for p in list_products(session, {"q": q})["items"]] == [mug], q
            assert session.get(Product, mug).search_title == ["кружк", "лис"]
            vocabulary = session.scalar(select(func.count()).select_from(SearchVariant))
            terms = session.scalar(select(func.count()).select_from(ProductSearchTerm))
            listed = [r for r in rows if r["listed"]]
            fox = sum(1 for r in listed if "fox" in r["title"].lower().split())
            assert fox and list_products(session, {"q": "fox"})["total"] == fox
        assert vocabulary > 0
        # SQLite searches the terms table; PostgreSQL the products' arrays, and leaves it empty.
        assert (terms > 0) == (databases.backend == "sqlite")
    finally:
        engine.dispose()
