"""Catalog routes: categories, shops, products, options, collections, quotes, the storefront and the
admin's product labels, answered by the catalog service.

The catalog service enforces roles and ownership from the caller's identity (sent with every call).
Where the gateway reads a body, `ownership.shop_owner` / `product_owner` ask the catalog
who owns the shop or product only when the gateway refuses the body, so a stranger still gets 403
or 404 before 422 (API.md) and a well-formed request costs one call.
"""

from __future__ import annotations

from .. import services
from ..api import OPTIONAL_BEARER, ServiceBlueprint
from ..ownership import product_owner, shop_owner
from . import cache
from .images import with_images
from .schemas import (
    CategoryListSchema,
    CollectionCreateSchema,
    CollectionListSchema,
    CollectionSchema,
    GlobalOptionIn,
    GlobalOptionListSchema,
    GlobalOptionSchema,
    LabelsSchema,
    PageQuerySchema,
    ProductCreateSchema,
    ProductFields,
    ProductPageSchema,
    ProductQuerySchema,
    ProductQuoteRequestSchema,
    ProductQuoteSchema,
    ProductSchema,
    ShopCreateSchema,
    ShopFields,
    ShopSchema,
    VacationIn,
)

blp = ServiceBlueprint(
    "catalog", __name__,
    description="Shops, products, options, collections, categories (catalog service)")

SHOP = "/shops/<uuid:shop_id>"
PRODUCT = "/products/<uuid:product_id>"


# Categories ---------------------------------------------------------------------------------------
@blp.route("/categories", methods=["GET"])
@blp.response(200, CategoryListSchema)
def categories():
    """The platform's category tree, flat, parents before children, with the characteristic keys
    each category allows."""
    return services.call("catalog", "categories")


# Shops --------------------------------------------------------------------------------------------
@blp.route("/shops", methods=["POST"])
@blp.secured("seller")
@blp.arguments(ShopCreateSchema)
@blp.response(201, ShopSchema, problems=[409])
def create_shop(body):
    """Open the seller's shop (one per seller: a second → 409). `logo_url` and `banner_url` are
    the seller's uploads (ids or their URLs): a square logo of at least 200x200 px, a banner at
    least 1400 px wide, else 422 saying so."""
    return services.call("catalog", "create_shop", services.as_json(with_images(body)))


@blp.route(SHOP, methods=["GET"])
@blp.doc(security=OPTIONAL_BEARER)
@blp.response(200, ShopSchema, problems=[404])
def get_shop(shop_id):
    """A shop with its labels, vacation and status; blocked and banned shops only to their owner."""
    return services.call("catalog", "get_shop", str(shop_id))


@blp.route(SHOP, methods=["PATCH"])
@blp.secured("seller", owner=shop_owner)
@blp.arguments(ShopFields, required=False)
@blp.response(200, ShopSchema, problems=[404, 409])
def update_shop(changes, shop_id):
    """Change the shop's profile, logo and banner (as at opening), rules, contact methods or
    legal details (owner)."""
    return services.call("catalog", "update_shop", str(shop_id),
                         services.as_json(with_images(changes)))


@blp.route(f"{SHOP}/vacation", methods=["PUT"])
@blp.secured("seller", owner=shop_owner)
@blp.arguments(VacationIn)
@blp.response(200, ShopSchema, problems=[404])
def set_vacation(body, shop_id):
    """Go on vacation: a notice over the shop and its products for these dates (owner)."""
    return services.call("catalog", "set_vacation", str(shop_id), services.as_json(body))


@blp.route(f"{SHOP}/vacation", methods=["DELETE"])
@blp.secured("seller")
@blp.response(200, ShopSchema, problems=[404])
def end_vacation(shop_id):
    """End the vacation now (owner); the shop is answered without it."""
    return services.call("catalog", "end_vacation", str(shop_id))


# Global options and collections -------------------------------------------------------------------
@blp.route(f"{SHOP}/options", methods=["POST"])
@blp.secured("seller", owner=shop_owner)
@blp.arguments(GlobalOptionIn)
@blp.response(201, GlobalOptionSchema, problems=[404, 409])
def create_global_option(body, shop_id):
    """A shop-wide option, attached to products by `global_option_ids` (owner)."""
    return services.call("catalog", "create_global_option", str(shop_id), services.as_json(body))


@blp.route(f"{SHOP}/options", methods=["GET"])
@blp.secured("seller", owner=shop_owner)
@blp.arguments(PageQuerySchema, location="query")
@blp.response(200, GlobalOptionListSchema, problems=[404])
def list_global_options(query, shop_id):
    """The shop's global options, oldest first, a page at a time (owner)."""
    return services.call("catalog", "list_global_options", str(shop_id), services.as_json(query))


@blp.route(f"{SHOP}/collections", methods=["POST"])
@blp.secured("seller", owner=shop_owner)
@blp.arguments(CollectionCreateSchema)
@blp.response(201, CollectionSchema, problems=[404])
def create_collection(body, shop_id):
    """A named collection of the shop's own products, with a cover image from the seller's
    uploads (owner)."""
    return services.call("catalog", "create_collection", str(shop_id),
                         services.as_json(with_images(body)))


@blp.route(f"{SHOP}/collections", methods=["GET"])
@blp.doc(security=OPTIONAL_BEARER)
@blp.arguments(PageQuerySchema, location="query")
@blp.response(200, CollectionListSchema, problems=[404])
def list_collections(query, shop_id):
    """The shop's collections, oldest first, a page at a time; others see only the products they
    may see."""
    return services.call("catalog", "list_collections", str(shop_id), services.as_json(query))


# Products -----------------------------------------------------------------------------------------
@blp.route(f"{SHOP}/products", methods=["POST"])
@blp.secured("seller", owner=shop_owner)
@blp.arguments(ProductCreateSchema)
@blp.response(201, ProductSchema, problems=[404, 409])
def create_product(body, shop_id):
    """Add a product: price, options with variants, discount, wholesale tiers, stock,
    characteristics the category allows, images from the seller's uploads (owner): each an upload
    id or its URL, else 422 naming `images.N`; the first is the main one."""
    return services.call("catalog", "create_product", str(shop_id),
                         services.as_json(with_images(body)))


@blp.route("/products", methods=["GET"])
@cache.listing
@blp.arguments(ProductQuerySchema, location="query")
@blp.response(200, ProductPageSchema)
def list_products(query):
    """The storefront: visible products only, filtered, searched, sorted and paged.

    `category` includes its sub-categories; `min_price`/`max_price` compare the effective price
    (offer-only products have none, so a bound leaves them out); every characteristic key given
    must match, several values of one key are alternatives; `sort` is popularity by default."""
    return services.call("catalog", "list_products", services.as_json(query))


@blp.route(PRODUCT, methods=["GET"])
@cache.product_page
@blp.doc(security=OPTIONAL_BEARER)
@blp.response(200, ProductSchema, problems=[404])
def get_product(product_id):
    """A product page (counts a view, except the owner's). A disabled or hidden product is a 404
    for everyone but its owner."""
    return services.call("catalog", "get_product", str(product_id), True)


@blp.route(PRODUCT, methods=["PATCH"])
@blp.secured("seller", owner=product_owner)
@blp.arguments(ProductFields, required=False)
@blp.response(200, ProductSchema, problems=[404, 409])
def update_product(changes, product_id):
    """Change a product (owner): the change is merged into the stored product and the whole is
    checked. Options and variants keep their ids when the body repeats them."""
    return services.call("catalog", "update_product", str(product_id),
                         services.as_json(with_images(changes)))


@blp.route(PRODUCT, methods=["DELETE"])
@blp.secured("seller")
@blp.response(200, ProductSchema, description="The product, now disabled", problems=[404, 409])
def disable_product(product_id):
    """Disable the product (owner): it leaves the storefront and its page is a 404 for others;
    it is kept for the orders that name it, and `PATCH {"enabled": true}` brings it back. Its
    images stay (uploads a product refers to are never cleaned up)."""
    return services.call("catalog", "disable_product", str(product_id))


@blp.route(f"{PRODUCT}/quote", methods=["POST"])
@blp.doc(security=OPTIONAL_BEARER)
@blp.arguments(ProductQuoteRequestSchema)
@blp.response(200, ProductQuoteSchema, problems=[404, 409])
def quote(body, product_id):
    """The price of a quantity with these options: variants' deltas, then the discount, then the
    wholesale tier (a tier's `unit_price` or `set_price` is the price at that quantity, the
    discount not on top; a `percent_off` tier comes on top of the discount), one half-up rounding
    on the total. Offer-only products → 409, an unknown or hidden product → 404."""
    return services.call("catalog", "quote", str(product_id), body["quantity"],
                         services.as_json(body.get("options") or {}))


# Admin --------------------------------------------------------------------------------------------
@blp.route(f"/admin{PRODUCT}/labels", methods=["PUT"])
@blp.secured("admin")
@blp.arguments(LabelsSchema)
@blp.response(200, ProductSchema, problems=[404])
def set_labels(body, product_id):
    """Set the labels only staff give (`official_reseller`)."""
    return services.call("catalog", "set_product_labels", str(product_id), services.as_json(body))
