"""Text search by stemmed terms: `product_search_terms` (term, product, weight) and the spelling
index `search_variants`, filled for every existing product with the rules of domain/search.py;
the substring search's `products.search_text` and its trigram index go.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

from services.catalog.domain.search import index_product, vocabulary_rows

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

BATCH = 2_000

products = sa.table(
    "products",
    sa.column("id", sa.String), sa.column("title", sa.String),
    sa.column("description", sa.Text), sa.column("characteristics", sa.JSON),
    sa.column("search_text", sa.Text),
)


def upgrade() -> None:
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
    )
    with op.batch_alter_table("product_search_terms", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_product_search_terms_product_id"), ["product_id"], unique=False
        )
    variants = op.create_table(
        "search_variants",
        sa.Column("variant", sa.String(length=60), nullable=False),
        sa.Column("term", sa.String(length=60), nullable=False),
        sa.PrimaryKeyConstraint("variant", "term", name=op.f("pk_search_variants")),
    )
    # Plain ALTERs on both backends (SQLite 3.35+): a batch rebuild of `products` on SQLite would
    # drop the table under its children's ON DELETE CASCADE.
    op.execute("DROP INDEX ix_products_search_trgm")
    op.execute("ALTER TABLE products DROP COLUMN search_text")
    _backfill(terms, variants)


def _backfill(terms: sa.Table, variants: sa.Table) -> None:
    """Every product's terms, read in batches by id, and the vocabulary of all their words."""
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
        rows = []
        for row in batch:
            index = index_product(row.title, row.description, row.characteristics or {})
            rows.extend({"term": t, "product_id": row.id, "weight": w}
                        for t, w in index.terms.items())
            words.update(index.words)
        if rows:
            conn.execute(terms.insert(), rows)
        after = batch[-1].id
    rows = [{"variant": v, "term": t} for v, t in sorted(vocabulary_rows(words))]
    for start in range(0, len(rows), 10_000):
        conn.execute(variants.insert(), rows[start:start + 10_000])
    if conn.dialect.name == "postgresql":
        op.execute("ANALYZE product_search_terms, search_variants")


def downgrade() -> None:
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
    op.drop_table("search_variants")
    with op.batch_alter_table("product_search_terms", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_product_search_terms_product_id"))
    op.drop_table("product_search_terms")
