"""Nameko entrypoints of the catalog service: thin, each opens the transaction and calls an action.

The caller's identity (`self.caller`: user id and roles) comes from the gateway with every call;
the actions enforce ownership with it. Every subscription of the service is listed at the bottom.
"""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError

from services.catalog.actions import (
    effects,
    listing,
    options,
    pricing,
    products,
    shops,
    stock,
)
from services.catalog.domain.categories import all_categories
from services.common import health
from services.common.runtime import CallerProvider, Database, Outbox
from services.common.runtime.messaging import event_handler
from services.common.runtime.rpc import rpc
from services.common.runtime.timers import ConfiguredTimer
from services.common.settings import env


def views_fold_seconds() -> float:
    """How often page views are added to their products (`CATALOG_VIEWS_FOLD_SECONDS`)."""
    return env().float("CATALOG_VIEWS_FOLD_SECONDS", 1.0)


class CatalogService:
    name = "catalog"

    db = Database()
    events = Outbox()
    caller = CallerProvider()

    @rpc
    def health(self):
        return health.report(self.name, self.db)

    # Categories ---------------------------------------------------------------------------------
    @rpc
    def categories(self):
        return {"items": [category.to_dict() for category in all_categories()]}

    # Shops --------------------------------------------------------------------------------------
    @rpc
    def create_shop(self, body):
        with self.db.transaction() as session:
            return shops.create_shop(session, self.caller, body)

    @rpc
    def get_shop(self, shop_id):
        with self.db.transaction() as session:
            return shops.get_shop_view(session, self.caller, shop_id)

    @rpc
    def update_shop(self, shop_id, body):
        with self.db.transaction() as session:
            return shops.update_shop(session, self.caller, shop_id, body)

    @rpc
    def seller_shop(self, user_id):
        with self.db.reading() as session:
            return shops.seller_shop(session, user_id)

    @rpc
    def set_vacation(self, shop_id, body):
        with self.db.transaction() as session:
            return shops.set_vacation(session, self.caller, shop_id, body)

    @rpc
    def end_vacation(self, shop_id):
        with self.db.transaction() as session:
            return shops.end_vacation(session, self.caller, shop_id)

    # Global options and collections ---------------------------------------------------------------
    @rpc
    def create_global_option(self, shop_id, body):
        with self.db.transaction() as session:
            return options.create_global_option(session, self.caller, shop_id, body)

    @rpc
    def list_global_options(self, shop_id):
        with self.db.transaction() as session:
            return options.list_global_options(session, self.caller, shop_id)

    @rpc
    def create_collection(self, shop_id, body):
        with self.db.transaction() as session:
            return options.create_collection(session, self.caller, shop_id, body)

    @rpc
    def list_collections(self, shop_id):
        with self.db.transaction() as session:
            return options.list_collections(session, self.caller, shop_id)

    # Products -----------------------------------------------------------------------------------
    @rpc
    def create_product(self, shop_id, body):
        with self.db.transaction() as session:
            return products.create_product(session, self.events, self.caller, shop_id, body)

    @rpc
    def get_product(self, product_id, count_view=False):
        # A read and, for a visitor, one INSERT into the view log: no transaction needed.
        with self.db.reading() as session:
            return products.get_product(session, self.caller, product_id, bool(count_view))

    @rpc
    def record_view(self, product_id):
        with self.db.reading() as session:
            products.record_view(session, self.caller, product_id)

    @rpc
    def update_product(self, product_id, body):
        with self.db.transaction() as session:
            return products.update_product(session, self.events, self.caller, product_id, body)

    @rpc
    def disable_product(self, product_id):
        with self.db.transaction() as session:
            return products.disable_product(session, self.events, self.caller, product_id)

    @rpc
    def set_product_labels(self, product_id, body):
        with self.db.transaction() as session:
            return products.set_labels(session, self.events, self.caller, product_id, body)

    @rpc
    def list_products(self, query=None):
        with self.db.reading() as session:  # one statement
            return listing.list_products(session, query)

    # Prices -------------------------------------------------------------------------------------
    @rpc
    def quote(self, product_id, quantity, options=None):
        body = {"quantity": quantity, "options": {} if options is None else options}
        with self.db.transaction() as session:
            return pricing.quote(session, self.caller, product_id, body)

    @rpc
    def quote_lines(self, lines, for_cart=False):
        with self.db.reading() as session:  # reads only: no BEGIN/COMMIT
            return pricing.quote_lines(session, {"lines": lines}, for_cart=bool(for_cart))

    # Stock for checkout -------------------------------------------------------------------------
    @rpc
    def reserve(self, order_id, lines):
        try:
            with self.db.transaction() as session:
                return stock.reserve(session, order_id, lines)
        except IntegrityError:  # the same order reserved concurrently: answer what was kept
            with self.db.transaction() as session:
                found = stock.get_reservation(session, order_id)
            if found is None:
                raise
            return found

    @rpc
    def hold_for_order(self, order_id, shop_id, lines):
        body = {"order_id": order_id, "shop_id": shop_id, "lines": lines}
        try:
            with self.db.transaction() as session:
                return stock.hold_for_order(session, body)
        except (stock.StockMoved, IntegrityError):
            # Units taken meanwhile, or the same order held concurrently: again, rows locked.
            with self.db.transaction() as session:
                return stock.hold_for_order(session, body, lock=True)

    @rpc
    def get_reservation(self, order_id):
        with self.db.transaction() as session:
            return stock.get_reservation(session, order_id)

    @rpc
    def commit(self, order_id):
        with self.db.transaction() as session:
            return stock.commit(session, order_id)

    @rpc
    def release(self, order_id):
        with self.db.transaction() as session:
            return stock.release(session, order_id)

    # Subscriptions: what other services' events do here ----------------------------------------
    @event_handler("shop.sanctioned")
    def on_shop_sanctioned(self, session, event):
        effects.shop_sanctioned(session, self.events, event)

    @event_handler("shop.sanction_lifted")
    def on_sanction_lifted(self, session, event):
        effects.sanction_lifted(session, self.events, event)

    @event_handler("shop.verified")
    def on_shop_verified(self, session, event):
        effects.shop_verified(session, event)

    @event_handler("shop.payment_settings_changed")
    def on_payment_settings_changed(self, session, event):
        effects.payment_settings_changed(session, event)

    @event_handler("order.placed")
    def on_order_placed(self, session, event):
        effects.order_placed(session, event)

    @event_handler("order.cancelled", "order.expired")
    def on_order_ended(self, session, event):
        effects.order_ended(session, event)

    @event_handler("order.shipped")
    def on_order_shipped(self, session, event):
        effects.order_shipped(session, event)

    @event_handler("review.posted")
    def on_review_posted(self, session, event):
        effects.review_posted(session, event)

    @event_handler("cart.item_added")
    def on_cart_item_added(self, session, event):
        effects.cart_item_added(session, event)

    # Timers -------------------------------------------------------------------------------------
    @ConfiguredTimer.decorator(read_interval=views_fold_seconds)
    def fold_views(self):
        while True:
            with self.db.transaction() as session:
                if effects.fold_views(session) < effects.VIEWS_BATCH:
                    return
