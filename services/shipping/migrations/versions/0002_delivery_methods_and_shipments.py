"""Delivery methods, universal method settings, shipments with their history, orders to ship.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

SEQ = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
TRACKED = sa.text("tracking_number IS NOT NULL")


def upgrade() -> None:
    op.create_table(
        "delivery_methods",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("shop_id", sa.String(36), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("carrier", sa.String(20), nullable=False),
        sa.Column("destinations", sa.JSON(), nullable=False),
        sa.Column("weight_limit_grams", sa.JSON(), nullable=True),
        sa.Column("free_delivery_applies", sa.Boolean(), nullable=False),
        sa.Column("rate", sa.JSON(), nullable=False),
        sa.Column("delivery_days", sa.Integer(), nullable=True),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_delivery_methods"),
    )
    op.create_index("ix_delivery_methods_shop", "delivery_methods", ["shop_id", "created_at"])

    op.create_table(
        "universal_method_settings",
        sa.Column("shop_id", sa.String(36), nullable=False),
        sa.Column("key", sa.String(20), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("shop_id", "key", name="pk_universal_method_settings"),
    )

    op.create_table(
        "shipments",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("order_id", sa.String(36), nullable=False),
        sa.Column("shop_id", sa.String(36), nullable=False),
        sa.Column("carrier", sa.String(20), nullable=False),
        sa.Column("tracking_number", sa.String(40), nullable=True),
        sa.Column("tracking_url", sa.String(300), nullable=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("notify_buyer", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("next_poll_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_shipments"),
    )
    op.create_index("ix_shipments_order", "shipments", ["order_id", "created_at"])
    op.create_index("ix_shipments_polling", "shipments", ["status", "next_poll_at"])
    op.create_index("ix_shipments_track", "shipments", ["order_id", "carrier", "tracking_number"],
                    unique=True, postgresql_where=TRACKED, sqlite_where=TRACKED)

    op.create_table(
        "shipment_history",
        sa.Column("seq", SEQ, autoincrement=True, nullable=False),
        sa.Column("shipment_id", sa.String(36), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("from_status", sa.String(20), nullable=True),
        sa.Column("to_status", sa.String(20), nullable=False),
        sa.Column("source", sa.String(20), nullable=False),
        sa.Column("note", sa.String(300), nullable=True),
        sa.ForeignKeyConstraint(["shipment_id"], ["shipments.id"],
                                name="fk_shipment_history_shipment_id_shipments"),
        sa.PrimaryKeyConstraint("seq", name="pk_shipment_history"),
    )
    op.create_index("ix_shipment_history_shipment", "shipment_history", ["shipment_id", "seq"])

    op.create_table(
        "orders_to_ship",
        sa.Column("order_id", sa.String(36), nullable=False),
        sa.Column("shop_id", sa.String(36), nullable=False),
        sa.Column("buyer_id", sa.String(36), nullable=True),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("due_from", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_event_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_by", sa.String(40), nullable=True),
        sa.Column("overdue_recorded_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("order_id", name="pk_orders_to_ship"),
    )
    op.create_index("ix_orders_to_ship_due", "orders_to_ship", ["state", "due_from"])


def downgrade() -> None:
    op.drop_index("ix_orders_to_ship_due", table_name="orders_to_ship")
    op.drop_table("orders_to_ship")
    op.drop_index("ix_shipment_history_shipment", table_name="shipment_history")
    op.drop_table("shipment_history")
    op.drop_index("ix_shipments_track", table_name="shipments")
    op.drop_index("ix_shipments_polling", table_name="shipments")
    op.drop_index("ix_shipments_order", table_name="shipments")
    op.drop_table("shipments")
    op.drop_table("universal_method_settings")
    op.drop_index("ix_delivery_methods_shop", table_name="delivery_methods")
    op.drop_table("delivery_methods")
