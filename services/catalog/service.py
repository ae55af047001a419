"""Nameko entrypoints of the catalog service: each loads its input through a schema (the path's ids
merged into the body), calls an action and answers what it returns.

The caller's identity (`self.caller`: user id and roles) comes from the gateway with every call;
the actions enforce ownership with it. Commands that create something run once per request id
(`uow.run_once`). Every subscription of the service is listed at the bottom.
"""

from __future__ import annotations

from services.catalog import schemas
from services.catalog.actions import (
    effects,
    options,
    pricing,
    products,
    shops,
    stock,
    storefront,
)
from services.catalog.domain.categories import all_categories
from services.catalog.domain.errors import (
    OptionInvalid,
    ProductInvalid,
    QuoteInvalid,
    ReservationInvalid,
    ShopInvalid,
)
from services.catalog.schemas import load_product
from services.common import runtime
from services.common.runtime import every, rpc, subscribe
from services.common.schemas import load
from services.common.settings import env

SHOP_INVALID = "The shop breaks a rule."


def views_fold_seconds() -> float:
    """How often page views are added to their products (`CATALOG_VIEWS_FOLD_SECONDS`)."""
    return env().float("CATALOG_VIEWS_FOLD_SECONDS", 1.0)


class CatalogService(runtime.Service):
    name = "catalog"
    uow = runtime.UnitOfWorkProvider(wake_relays_after_commit=True)

    # Categories ---------------------------------------------------------------------------------
    @rpc
    def categories(self):
        return {"items": [category.to_dict() for category in all_categories()]}

    # Shops --------------------------------------------------------------------------------------
    @rpc
    def create_shop(self, body):
        data = load(schemas.ShopIn, body, error=ShopInvalid, detail=SHOP_INVALID)
        return self.uow.run_once("create_shop", self.caller, shops.create_shop, data)

    @rpc
    def get_shop(self, shop_id):
        data = load(schemas.ShopRef, {}, shop_id=shop_id)
        return shops.get_shop_view(self.uow, self.caller, data)

    @rpc
    def update_shop(self, shop_id, body):
        data = load(schemas.ShopPatchIn, body, error=ShopInvalid, detail=SHOP_INVALID, shop_id=shop_id)
        return shops.update_shop(self.uow, self.caller, data)

    @rpc
    def seller_shop(self, user_id):
        data = load(schemas.SellerRef, {}, user_id=user_id)
        return shops.seller_shop(self.uow, self.caller, data)

    @rpc
    def set_vacation(self, shop_id, body):
        data = load(schemas.VacationChange, body, error=ShopInvalid, detail="The vacation breaks a rule.",
                    shop_id=shop_id)
        return shops.set_vacation(self.uow, self.caller, data)

    @rpc
    def end_vacation(self, shop_id):
        data = load(schemas.ShopRef, {}, shop_id=shop_id)
        return shops.end_vacation(self.uow, self.caller, data)

    # Global options and collections ---------------------------------------------------------------
    @rpc
    def create_global_option(self, shop_id, body):
        data = load(schemas.GlobalOptionChange, body, error=OptionInvalid,
                    detail="The option breaks the catalog's rules.", shop_id=shop_id)
        return self.uow.run_once("create_global_option", self.caller,
                                 options.create_global_option, data)

    @rpc
    def list_global_options(self, shop_id, query=None):
        data = load(schemas.ShopPageIn, query or {}, detail="The page is not valid.",
                    shop_id=shop_id)
        return options.list_global_options(self.uow, self.caller, data)

    @rpc
    def create_collection(self, shop_id, body):
        data = load(schemas.CollectionChange, body, detail="The collection is not valid.",
                    shop_id=shop_id)
        return self.uow.run_once("create_collection", self.caller, options.create_collection,
                                 data)

    @rpc
    def list_collections(self, shop_id, query=None):
        data = load(schemas.ShopPageIn, query or {}, detail="The page is not valid.",
                    shop_id=shop_id)
        return options.list_collections(self.uow, self.caller, data)

    # Products -----------------------------------------------------------------------------------
    @rpc
    def create_product(self, shop_id, body):
        data = load_product(schemas.NewProductIn, body, shop_id=shop_id)
        return self.uow.run_once("create_product", self.caller, products.create_product, data)

    @rpc
    def get_product(self, product_id, count_view=False):
        data = load(schemas.ProductViewIn, {}, product_id=product_id,
                    count_view=bool(count_view))
        return products.get_product(self.uow, self.caller, data)

    @rpc
    def record_view(self, product_id):
        data = load(schemas.ProductRef, {}, product_id=product_id)
        products.record_view(self.uow, self.caller, data)

    @rpc
    def record_views(self, views):
        """Page views counted by the gateway, `{product_id: views}`, once per batch id (the
        caller's command id)."""
        data = load(schemas.ViewBatchIn, {"views": views}, detail="The views are not valid.")
        return self.uow.run_once("record_views", self.caller, products.record_views, data)

    @rpc
    def update_product(self, product_id, body):
        data = load_product(schemas.ProductChange, body, partial=True, product_id=product_id)
        return products.update_product(self.uow, self.caller, data)

    @rpc
    def disable_product(self, product_id):
        data = load(schemas.ProductRef, {}, product_id=product_id)
        return products.disable_product(self.uow, self.caller, data)

    @rpc
    def set_product_labels(self, product_id, body):
        data = load(schemas.LabelsChange, body, error=ProductInvalid,
                    detail="The labels are not valid.", product_id=product_id)
        return products.set_labels(self.uow, self.caller, data)

    @rpc
    def list_products(self, query=None):
        return storefront.list_products(self.uow, self.caller, {"query": query})

    # Prices -------------------------------------------------------------------------------------
    @rpc
    def quote(self, product_id, quantity, options=None):
        data = load(schemas.ProductQuoteIn, {"quantity": quantity, "options": options or {}},
                    error=QuoteInvalid, detail="The quote cannot be made.", product_id=product_id)
        return pricing.quote(self.uow, self.caller, data)

    @rpc
    def quote_lines(self, lines, for_cart=False):
        data = load(schemas.LinesIn, {"lines": lines, "for_cart": bool(for_cart)}, error=QuoteInvalid,
                    detail="The lines cannot be priced.")
        return pricing.quote_lines(self.uow, self.caller, data)

    # Stock for checkout -------------------------------------------------------------------------
    @rpc
    def reserve(self, order_id, lines):
        data = load(schemas.ReserveIn, {"order_id": order_id, "lines": lines},
                    error=ReservationInvalid, detail="The lines cannot be reserved.")
        return stock.reserve(self.uow, self.caller, data)

    @rpc
    def hold_for_order(self, order_id, shop_id, lines):
        data = load(schemas.HoldIn, {"order_id": order_id, "shop_id": shop_id, "lines": lines},
                    error=QuoteInvalid, detail="The lines cannot be priced.")
        return stock.hold_for_order(self.uow, self.caller, data)

    @rpc
    def get_reservation(self, order_id):
        data = load(schemas.OrderRef, {}, order_id=order_id)
        return stock.get_reservation(self.uow, self.caller, data)

    @rpc
    def commit(self, order_id):
        data = load(schemas.OrderRef, {}, order_id=order_id)
        return stock.commit(self.uow, self.caller, data)

    @rpc
    def release(self, order_id):
        data = load(schemas.OrderRef, {}, order_id=order_id)
        return stock.release(self.uow, self.caller, data)

    # Subscriptions: what other services' events do here ----------------------------------------
    on_shop_sanctioned = subscribe("shop.sanctioned", data=effects.shop_sanctioned)
    on_sanction_lifted = subscribe("shop.sanction_lifted", data=effects.sanction_lifted)
    on_shop_verified = subscribe("shop.verified", data=effects.shop_verified)
    on_payment_settings_changed = subscribe("shop.payment_settings_changed",
                                            data=effects.payment_settings_changed)
    on_order_placed = subscribe("order.placed", data=effects.order_placed)
    on_order_paid = subscribe("order.paid", data=effects.order_paid)
    on_order_ended = subscribe("order.cancelled", "order.expired", data=effects.order_ended)
    on_order_shipped = subscribe("order.shipped", data=effects.order_shipped)
    on_review_posted = subscribe("review.posted", data=effects.review_posted)
    on_cart_item_added = subscribe("cart.item_added", data=effects.cart_item_added)

    # Timers -------------------------------------------------------------------------------------
    @every(read_interval=views_fold_seconds)
    def fold_views(self):
        effects.fold_views(self.uow)
