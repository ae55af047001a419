"""The orders service's tables: carts and their items, orders with their lines, history,
shipments and payments, checkout attempts (idempotency keys and crash recovery), messages, private
notes, reviews and amount-change requests.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "carts",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("buyer_id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_carts")),
        sa.UniqueConstraint("buyer_id", name=op.f("uq_carts_buyer_id")),
    )
    op.create_table(
        "checkout_attempts",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("owner", sa.String(length=300), nullable=False),
        sa.Column("idempotency_key", sa.String(length=200), nullable=False),
        sa.Column("request_hash", sa.String(length=64), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("order_ids", sa.JSON(), nullable=False),
        sa.Column("access_token", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_checkout_attempts")),
        sa.UniqueConstraint(
            "owner", "idempotency_key", name=op.f("uq_checkout_attempts_owner_idempotency_key")
        ),
    )
    with op.batch_alter_table("checkout_attempts", schema=None) as batch_op:
        batch_op.create_index(
            "ix_checkout_attempts_state_created_at", ["state", "created_at"], unique=False
        )

    op.create_table(
        "orders",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("shop_id", sa.String(length=36), nullable=False),
        sa.Column("seller_id", sa.String(length=36), nullable=True),
        sa.Column("buyer_id", sa.String(length=36), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("created_by", sa.String(length=10), nullable=False),
        sa.Column("guest_email", sa.String(length=254), nullable=True),
        sa.Column("guest_name", sa.String(length=200), nullable=True),
        sa.Column("guest_phone", sa.String(length=50), nullable=True),
        sa.Column("access_token_hash", sa.String(length=64), nullable=True),
        sa.Column("shipping_address", sa.JSON(), nullable=True),
        sa.Column("contact_method", sa.String(length=30), nullable=True),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("source", sa.JSON(), nullable=True),
        sa.Column("delivery_method_id", sa.String(length=64), nullable=True),
        sa.Column("delivery_method_name", sa.String(length=200), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("items_total", sa.BigInteger(), nullable=False),
        sa.Column("delivery_cost", sa.BigInteger(), nullable=True),
        sa.Column("delivery_quoted_by_seller", sa.Boolean(), nullable=False),
        sa.Column("discount", sa.BigInteger(), nullable=False),
        sa.Column("surcharge", sa.BigInteger(), nullable=False),
        sa.Column("grand_total", sa.BigInteger(), nullable=False),
        sa.Column("surcharge_percent", sa.Numeric(precision=5, scale=2), nullable=False),
        sa.Column("surcharge_label", sa.String(length=100), nullable=True),
        sa.Column("prepayment_percent", sa.Integer(), nullable=False),
        sa.Column("paid_amount", sa.BigInteger(), nullable=False),
        sa.Column("promo_code", sa.String(length=50), nullable=True),
        sa.Column("confirm_days", sa.Integer(), nullable=True),
        sa.Column("production_days", sa.Integer(), nullable=True),
        sa.Column("placed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("production_started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("production_ends_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("shipped_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("next_check_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("notices_done", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_orders")),
    )
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.create_index(
            "ix_orders_buyer_id_placed_at", ["buyer_id", "placed_at"], unique=False
        )
        batch_op.create_index("ix_orders_next_check_at", ["next_check_at"], unique=False)
        batch_op.create_index("ix_orders_shop_id_placed_at", ["shop_id", "placed_at"], unique=False)

    op.create_table(
        "amount_change_requests",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("order_id", sa.String(length=36), nullable=False),
        sa.Column("requested_by", sa.String(length=36), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by", sa.String(length=36), nullable=True),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["orders.id"],
            name=op.f("fk_amount_change_requests_order_id_orders"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_amount_change_requests")),
    )
    with op.batch_alter_table("amount_change_requests", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_amount_change_requests_order_id"), ["order_id"], unique=False
        )

    op.create_table(
        "cart_items",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("cart_id", sa.String(length=36), nullable=False),
        sa.Column("shop_id", sa.String(length=36), nullable=False),
        sa.Column("product_id", sa.String(length=36), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("options", sa.JSON(), nullable=False),
        sa.Column("options_key", sa.String(length=64), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["cart_id"], ["carts.id"], name=op.f("fk_cart_items_cart_id_carts"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cart_items")),
        sa.UniqueConstraint(
            "cart_id",
            "product_id",
            "options_key",
            name=op.f("uq_cart_items_cart_id_product_id_options_key"),
        ),
    )
    with op.batch_alter_table("cart_items", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_cart_items_cart_id"), ["cart_id"], unique=False)

    op.create_table(
        "order_history",
        sa.Column(
            "seq",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("order_id", sa.String(length=36), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("by", sa.String(length=10), nullable=False),
        sa.Column("actor_id", sa.String(length=36), nullable=True),
        sa.Column("from_status", sa.String(length=20), nullable=True),
        sa.Column("to_status", sa.String(length=20), nullable=False),
        sa.Column("action", sa.String(length=30), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["orders.id"],
            name=op.f("fk_order_history_order_id_orders"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_order_history")),
    )
    with op.batch_alter_table("order_history", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_order_history_order_id"), ["order_id"], unique=False)

    op.create_table(
        "order_lines",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("order_id", sa.String(length=36), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.String(length=36), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("options", sa.JSON(), nullable=False),
        sa.Column("unit_price", sa.BigInteger(), nullable=False),
        sa.Column("total", sa.BigInteger(), nullable=False),
        sa.Column("weight_grams", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["orders.id"],
            name=op.f("fk_order_lines_order_id_orders"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_order_lines")),
    )
    with op.batch_alter_table("order_lines", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_order_lines_order_id"), ["order_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_order_lines_product_id"), ["product_id"], unique=False)

    op.create_table(
        "order_messages",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("order_id", sa.String(length=36), nullable=False),
        sa.Column("sender_id", sa.String(length=36), nullable=False),
        sa.Column("sender_role", sa.String(length=10), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("attachment_ids", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["orders.id"],
            name=op.f("fk_order_messages_order_id_orders"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_order_messages")),
    )
    with op.batch_alter_table("order_messages", schema=None) as batch_op:
        batch_op.create_index(
            "ix_order_messages_order_id_created_at", ["order_id", "created_at"], unique=False
        )

    op.create_table(
        "order_notes",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("order_id", sa.String(length=36), nullable=False),
        sa.Column("author_id", sa.String(length=36), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["orders.id"],
            name=op.f("fk_order_notes_order_id_orders"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_order_notes")),
    )
    with op.batch_alter_table("order_notes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_order_notes_order_id"), ["order_id"], unique=False)

    op.create_table(
        "order_payments",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("order_id", sa.String(length=36), nullable=False),
        sa.Column("part", sa.String(length=10), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["orders.id"],
            name=op.f("fk_order_payments_order_id_orders"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_order_payments")),
    )
    with op.batch_alter_table("order_payments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_order_payments_order_id"), ["order_id"], unique=False)

    op.create_table(
        "order_shipments",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("order_id", sa.String(length=36), nullable=False),
        sa.Column("carrier", sa.String(length=30), nullable=False),
        sa.Column("tracking_number", sa.String(length=64), nullable=True),
        sa.Column("tracking_url", sa.String(length=500), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["orders.id"],
            name=op.f("fk_order_shipments_order_id_orders"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_order_shipments")),
    )
    with op.batch_alter_table("order_shipments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_order_shipments_order_id"), ["order_id"], unique=False)

    op.create_table(
        "reviews",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("order_id", sa.String(length=36), nullable=False),
        sa.Column("shop_id", sa.String(length=36), nullable=False),
        sa.Column("buyer_id", sa.String(length=36), nullable=False),
        sa.Column("buyer_name", sa.String(length=200), nullable=False),
        sa.Column("product_ids", sa.JSON(), nullable=False),
        sa.Column("rating", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name=op.f("fk_reviews_order_id_orders"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reviews")),
        sa.UniqueConstraint("order_id", name=op.f("uq_reviews_order_id")),
    )
    with op.batch_alter_table("reviews", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_reviews_buyer_id"), ["buyer_id"], unique=False)
        batch_op.create_index(
            "ix_reviews_shop_id_created_at", ["shop_id", "created_at"], unique=False
        )



def downgrade() -> None:
    with op.batch_alter_table("reviews", schema=None) as batch_op:
        batch_op.drop_index("ix_reviews_shop_id_created_at")
        batch_op.drop_index(batch_op.f("ix_reviews_buyer_id"))

    op.drop_table("reviews")
    with op.batch_alter_table("order_shipments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_order_shipments_order_id"))

    op.drop_table("order_shipments")
    with op.batch_alter_table("order_payments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_order_payments_order_id"))

    op.drop_table("order_payments")
    with op.batch_alter_table("order_notes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_order_notes_order_id"))

    op.drop_table("order_notes")
    with op.batch_alter_table("order_messages", schema=None) as batch_op:
        batch_op.drop_index("ix_order_messages_order_id_created_at")

    op.drop_table("order_messages")
    with op.batch_alter_table("order_lines", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_order_lines_product_id"))
        batch_op.drop_index(batch_op.f("ix_order_lines_order_id"))

    op.drop_table("order_lines")
    with op.batch_alter_table("order_history", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_order_history_order_id"))

    op.drop_table("order_history")
    with op.batch_alter_table("cart_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cart_items_cart_id"))

    op.drop_table("cart_items")
    with op.batch_alter_table("amount_change_requests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_amount_change_requests_order_id"))

    op.drop_table("amount_change_requests")
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.drop_index("ix_orders_shop_id_placed_at")
        batch_op.drop_index("ix_orders_next_check_at")
        batch_op.drop_index("ix_orders_buyer_id_placed_at")

    op.drop_table("orders")
    with op.batch_alter_table("checkout_attempts", schema=None) as batch_op:
        batch_op.drop_index("ix_checkout_attempts_state_created_at")

    op.drop_table("checkout_attempts")
    op.drop_table("carts")
