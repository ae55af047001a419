"""The catalog's tables: shops, sanctions in force, products and their characteristics, global
options, collections, stock reservations; listing indexes partial on `listed`, and a trigram index
for text search on PostgreSQL (the `pg_trgm` extension, trusted since PostgreSQL 13).

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

# The storefront indexes cover visible products only.
LISTED = {"postgresql_where": sa.text("listed"), "sqlite_where": sa.text("listed = 1")}


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.create_table(
        "reservations",
        sa.Column("order_id", sa.String(length=36), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("order_id", name=op.f("pk_reservations")),
    )
    op.create_table(
        "shop_sanctions",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("shop_id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("product_id", sa.String(length=36), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shop_sanctions")),
    )
    with op.batch_alter_table("shop_sanctions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_shop_sanctions_product_id"), ["product_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_shop_sanctions_shop_id"), ["shop_id"], unique=False)

    op.create_table(
        "shops",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("owner_id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("about", sa.Text(), nullable=False),
        sa.Column("delivery_and_payment", sa.Text(), nullable=False),
        sa.Column("logo_url", sa.String(length=500), nullable=True),
        sa.Column("banner_url", sa.String(length=500), nullable=True),
        sa.Column("rules", sa.JSON(), nullable=False),
        sa.Column("contact_methods", sa.JSON(), nullable=False),
        sa.Column("legal", sa.JSON(), nullable=True),
        sa.Column("vacation", sa.JSON(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("reliable_seller", sa.Boolean(), nullable=False),
        sa.Column("online_payment", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shops")),
        sa.UniqueConstraint("owner_id", name=op.f("uq_shops_owner_id")),
    )
    op.create_table(
        "collections",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("shop_id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("product_ids", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["shop_id"], ["shops.id"], name=op.f("fk_collections_shop_id_shops")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_collections")),
    )
    with op.batch_alter_table("collections", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_collections_shop_id"), ["shop_id"], unique=False)

    op.create_table(
        "global_options",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("shop_id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("required", sa.Boolean(), nullable=False),
        sa.Column("variants", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["shop_id"], ["shops.id"], name=op.f("fk_global_options_shop_id_shops")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_global_options")),
    )
    with op.batch_alter_table("global_options", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_global_options_shop_id"), ["shop_id"], unique=False)

    op.create_table(
        "products",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("shop_id", sa.String(length=36), nullable=False),
        sa.Column("title", sa.String(length=150), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("category", sa.String(length=50), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("price", sa.BigInteger(), nullable=False),
        sa.Column("discount_percent", sa.Integer(), nullable=False),
        sa.Column("effective_price", sa.BigInteger(), nullable=True),
        sa.Column("sale_mode", sa.String(length=20), nullable=False),
        sa.Column("images", sa.JSON(), nullable=False),
        sa.Column("video_url", sa.String(length=300), nullable=True),
        sa.Column("stock_mode", sa.String(length=20), nullable=False),
        sa.Column("stock_on_hand", sa.Integer(), nullable=True),
        sa.Column("stock_reserved", sa.Integer(), nullable=False),
        sa.Column("production_days", sa.Integer(), nullable=True),
        sa.Column("weight_grams", sa.Integer(), nullable=True),
        sa.Column("free_delivery", sa.Boolean(), nullable=False),
        sa.Column("options", sa.JSON(), nullable=False),
        sa.Column("wholesale", sa.JSON(), nullable=False),
        sa.Column("global_option_ids", sa.JSON(), nullable=False),
        sa.Column("characteristics", sa.JSON(), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("hidden_by_moderation", sa.Boolean(), nullable=False),
        sa.Column("official_reseller", sa.Boolean(), nullable=False),
        sa.Column("listed", sa.Boolean(), nullable=False),
        sa.Column("search_text", sa.Text(), nullable=False),
        sa.Column("views", sa.BigInteger(), nullable=False),
        sa.Column("cart_adds", sa.BigInteger(), nullable=False),
        sa.Column("sales", sa.BigInteger(), nullable=False),
        sa.Column("review_count", sa.Integer(), nullable=False),
        sa.Column("rating_sum", sa.Integer(), nullable=False),
        sa.Column("popularity", sa.Float(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["shop_id"], ["shops.id"], name=op.f("fk_products_shop_id_shops")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_products")),
    )
    with op.batch_alter_table("products", schema=None) as batch_op:
        batch_op.create_index(
            "ix_products_listed_category_popularity",
            ["category", "popularity"],
            unique=False,
            **LISTED,
        )
        batch_op.create_index(
            "ix_products_listed_created_at", ["created_at"], unique=False, **LISTED
        )
        batch_op.create_index(
            "ix_products_listed_discount", ["discount_percent"], unique=False, **LISTED
        )
        batch_op.create_index(
            "ix_products_listed_effective_price", ["effective_price"], unique=False, **LISTED
        )
        batch_op.create_index(
            "ix_products_listed_popularity", ["popularity"], unique=False, **LISTED
        )
        batch_op.create_index(
            "ix_products_search_trgm",
            ["search_text"],
            unique=False,
            postgresql_using="gin",
            postgresql_ops={"search_text": "gin_trgm_ops"},
            sqlite_where=sa.text("0"),
        )
        batch_op.create_index(
            "ix_products_shop_id_created_at", ["shop_id", "created_at"], unique=False
        )

    op.create_table(
        "reservation_lines",
        sa.Column("order_id", sa.String(length=36), nullable=False),
        sa.Column("product_id", sa.String(length=36), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("tracked", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["reservations.order_id"],
            name=op.f("fk_reservation_lines_order_id_reservations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("order_id", "product_id", name=op.f("pk_reservation_lines")),
    )
    op.create_table(
        "product_characteristics",
        sa.Column("product_id", sa.String(length=36), nullable=False),
        sa.Column("key", sa.String(length=20), nullable=False),
        sa.Column("value", sa.String(length=50), nullable=False),
        sa.ForeignKeyConstraint(
            ["product_id"],
            ["products.id"],
            name=op.f("fk_product_characteristics_product_id_products"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "product_id", "key", "value", name=op.f("pk_product_characteristics")
        ),
    )
    with op.batch_alter_table("product_characteristics", schema=None) as batch_op:
        batch_op.create_index(
            "ix_product_characteristics_key_value", ["key", "value", "product_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("product_characteristics", schema=None) as batch_op:
        batch_op.drop_index("ix_product_characteristics_key_value")

    op.drop_table("product_characteristics")
    op.drop_table("reservation_lines")
    with op.batch_alter_table("products", schema=None) as batch_op:
        batch_op.drop_index("ix_products_shop_id_created_at")
        batch_op.drop_index("ix_products_search_trgm")
        batch_op.drop_index("ix_products_listed_popularity")
        batch_op.drop_index("ix_products_listed_effective_price")
        batch_op.drop_index("ix_products_listed_discount")
        batch_op.drop_index("ix_products_listed_created_at")
        batch_op.drop_index("ix_products_listed_category_popularity")

    op.drop_table("products")
    with op.batch_alter_table("global_options", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_global_options_shop_id"))

    op.drop_table("global_options")
    with op.batch_alter_table("collections", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_collections_shop_id"))

    op.drop_table("collections")
    op.drop_table("shops")
    with op.batch_alter_table("shop_sanctions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_shop_sanctions_shop_id"))
        batch_op.drop_index(batch_op.f("ix_shop_sanctions_product_id"))

    op.drop_table("shop_sanctions")
    op.drop_table("reservations")
