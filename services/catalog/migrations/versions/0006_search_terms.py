"""Text search by stemmed terms (domain/search.py): each product's terms in arrays on the product
(`search_terms` under a GIN index on PostgreSQL, and the terms of each field), the table
`product_search_terms` (term, product, weight) that SQLite searches instead, and the spelling index
`search_variants`; all filled for every existing product. The substring search's
`products.search_text` and its trigram index go.

Revision ID: 0006
Revises: 0005
"""

import json

import sqlalchemy as sa
from alembic import op

from services.catalog.domain.search import index_product, product_columns, vocabulary_rows

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

BATCH = 2_000
COLUMNS = ("search_terms", "search_title", "search_characteristics", "search_description")

products = sa.table(
    "products",
    sa.column("id", sa.String), sa.column("title", sa.String),
    sa.column("description", sa.Text), sa.column("characteristics", sa.JSON),
    sa.column("search_text", sa.Text),
)


def upgrade() -> None:
    pg = op.get_bind().dialect.name == "postgresql"
    # Plain ALTERs on both backends (SQLite 3.35+): a batch rebuild of `products` on SQLite would
    # drop the table under its children's ON DELETE CASCADE.
    op.execute("DROP INDEX ix_products_search_trgm")
    op.execute("ALTER TABLE products DROP COLUMN search_text")
    for column in COLUMNS:
        op.execute(f"ALTER TABLE products ADD COLUMN {column} "
                   + ("TEXT[] NOT NULL DEFAULT '{}'" if pg else "JSON NOT NULL DEFAULT '[]'"))
    terms = op.create_table(
        "product_search_terms",
        sa.Column("term", sa.String(length=60), nullable=False),
        sa.Column("product_id", sa.String(length=36), nullable=False),
        sa.Column("weight", sa.SmallInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["product_id"], ["products.id"],
            name=op.f("fk_product_search_terms_product_id_products"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("term", "product_id", name=op.f("pk_product_search_terms")),
        sqlite_with_rowid=False,
    )
    op.create_index(op.f("ix_product_search_terms_product_id"), "product_search_terms",
                    ["product_id"], unique=False)
    variants = op.create_table(
        "search_variants",
        sa.Column("variant", sa.String(length=60), nullable=False),
        sa.Column("term", sa.String(length=60), nullable=False),
        sa.PrimaryKeyConstraint("variant", "term", name=op.f("pk_search_variants")),
    )
    _backfill(terms, variants, pg)
    if pg:
        for column in COLUMNS:
            op.execute(f"ALTER TABLE products ALTER COLUMN {column} DROP DEFAULT")
    op.create_index("ix_products_search_terms", "products", ["search_terms"], unique=False,
                    postgresql_using="gin", sqlite_where=sa.text("0"))
    if pg:
        op.execute("ANALYZE products, search_variants")


def _backfill(terms: sa.Table, variants: sa.Table, pg: bool) -> None:
    """Every product's search columns (and on SQLite its terms), read in batches by id, then the
    vocabulary of all their words."""
    conn = op.get_bind()
    words: dict[str, str] = {}
    after = ""
    while True:
        batch = conn.execute(
            sa.select(products.c.id, products.c.title, products.c.description,
                      products.c.characteristics)
            .where(products.c.id > after).order_by(products.c.id).limit(BATCH)
        ).all()
        if not batch:
            break
        indexed = [(row.id, index_product(row.title, row.description, row.characteristics or {}))
                   for row in batch]
        for _, index in indexed:
            words.update(index.words)
        if pg:
            _set_columns_pg(conn, indexed)
        else:
            _set_columns_sqlite(conn, terms, indexed)
        after = batch[-1].id
    rows = [{"variant": v, "term": t} for v, t in sorted(vocabulary_rows(words))]
    for start in range(0, len(rows), 10_000):
        conn.execute(variants.insert(), rows[start:start + 10_000])


def _set_columns_pg(conn, indexed) -> None:
    from psycopg2.extras import execute_values

    values = [(pid, *product_columns(index).values()) for pid, index in indexed]
    cursor = conn.connection.dbapi_connection.cursor()
    execute_values(cursor, (
        "UPDATE products AS p SET search_terms = v.a::text[], search_title = v.b::text[], "
        "search_characteristics = v.c::text[], search_description = v.d::text[] "
        "FROM (VALUES %s) AS v (id, a, b, c, d) WHERE p.id = v.id"), values, page_size=BATCH)


def _set_columns_sqlite(conn, terms: sa.Table, indexed) -> None:
    table = sa.table("products", sa.column("id", sa.String),
                     *(sa.column(c, sa.Text) for c in COLUMNS))
    conn.execute(
        table.update().where(table.c.id == sa.bindparam("pid")).values(
            {c: sa.bindparam(c) for c in COLUMNS}),
        [{"pid": pid, **{c: json.dumps(v) for c, v in product_columns(index).items()}}
         for pid, index in indexed])
    rows = [{"term": t, "product_id": pid, "weight": w}
            for pid, index in indexed for t, w in index.terms.items()]
    if rows:
        conn.execute(terms.insert(), rows)


def downgrade() -> None:
    op.drop_index("ix_products_search_terms", table_name="products")
    op.drop_table("search_variants")
    op.drop_index(op.f("ix_product_search_terms_product_id"), table_name="product_search_terms")
    op.drop_table("product_search_terms")
    for column in COLUMNS:
        op.execute(f"ALTER TABLE products DROP COLUMN {column}")
    op.execute("ALTER TABLE products ADD COLUMN search_text TEXT NOT NULL DEFAULT ''")
    conn = op.get_bind()
    for row in conn.execute(sa.select(products.c.id, products.c.title, products.c.description,
                                      products.c.characteristics)).all():
        values = [v for vs in (row.characteristics or {}).values() for v in vs]
        text = " ".join([row.title, row.description[:1_000], *values]).lower()
        conn.execute(products.update().where(products.c.id == row.id).values(search_text=text))
    op.create_index(
        "ix_products_search_trgm", "products", ["search_text"], unique=False,
        postgresql_using="gin", postgresql_ops={"search_text": "gin_trgm_ops"},
        sqlite_where=sa.text("0"),
    )


