"""Quotes: one product's price for a quantity and options (the storefront), and a checkout's lines
re-priced from the stored products (the orders service never trusts a client's prices).

Every price comes from the domain's `quote_line` (options, then the discount, then the wholesale
tier, one rounding on the line total).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from services.catalog.domain.errors import NotForSale, OutOfStock, QuoteInvalid
from services.catalog.domain.pricing import PricedProduct, quote_line
from services.catalog.domain.products import dispatch_days, ensure_public_price
from services.catalog.domain.shops import ShopStatus, cart_refusal, ensure_can_add_to_cart
from services.catalog.domain.stock import Shortage
from services.catalog.models import GlobalOption, Product, Shop
from services.common.caller import Caller
from services.common.errors import ServiceError
from services.common.uow import UnitOfWork

from .common import as_uuid, now, visible_product
from .views import available_of, global_option_dict, stock_of, vacation_of


def _priced(product: Product, global_options: list[GlobalOption]) -> PricedProduct:
    stored = {
        "price": product.price,
        "discount_percent": product.discount_percent,
        "options": list(product.options) + [global_option_dict(o) for o in global_options],
        "wholesale": list(product.wholesale),
    }
    return PricedProduct.from_dict(stored, product.currency)


def _global_options(session: Session, products: list[Product]) -> dict[str, GlobalOption]:
    ids = {i for p in products for i in p.global_option_ids}
    if not ids:
        return {}
    rows = session.execute(select(GlobalOption).where(GlobalOption.id.in_(ids))).scalars()
    return {row.id: row for row in rows}


def quote(uow: UnitOfWork, caller: Caller, data: dict[str, Any]) -> dict[str, Any]:
    """POST /products/{id}/quote: `{product_id, quantity, options}` → `{unit_price, total,
    applied, ...}`. Reads only."""
    with uow.reading() as session:
        product, _shop = visible_product(session, caller, data["product_id"])
        ensure_public_price(product.sale_mode)
        by_id = _global_options(session, [product])
        options = [by_id[i] for i in product.global_option_ids if i in by_id]
        return quote_line(_priced(product, options), data["quantity"], data["options"]).to_dict()


def quote_lines(uow: UnitOfWork, caller: Caller, data: dict[str, Any]) -> dict[str, Any]:
    """Re-price checkout's (or a cart's) lines: `{lines: [{product_id, quantity, options}]}`.

    Each line answers `{product_id, shop_id, title, quantity, unit_price, total, currency, applied,
    options, weight_grams, free_delivery, dispatch_days, stock_mode, available}`. A line whose
    product cannot be bought (missing, hidden, offer only) refuses the whole call with a Conflict
    naming it (`lines.<i>.product_id`); bad quantities or option choices are a 422 per line.
    With `for_cart`, a shop on vacation without carts and a tracked product short of the quantity
    are refused too (409). Reads only: no BEGIN/COMMIT.
    """
    lines = data["lines"]
    keys = sorted({as_uuid(line["product_id"]) for line in lines} - {None})
    with uow.reading() as session:
        rows = session.execute(PRODUCTS_AND_SHOPS, {"ids": keys}).all() if keys else []
        return {"lines": price_lines(session, lines, rows, for_cart=data["for_cart"])}


# The products of the ids given, each with its shop, in id order (built once: its SQL and cache key
# are made on the first use only).
PRODUCTS_AND_SHOPS = (select(Product, Shop).join(Shop, Shop.id == Product.shop_id)
                      .where(Product.id.in_(bindparam("ids", expanding=True)))
                      .order_by(Product.id))


def price_lines(session: Session, lines: list[dict[str, Any]], rows, *,
                for_cart: bool = False) -> list[dict[str, Any]]:
    """`lines` (loaded by `QuoteLineIn`) priced from `rows`, the (product, shop) pairs read for
    them; refuses as `quote_lines` says."""
    found = {product.id: (product, shop) for product, shop in rows}
    global_options = _global_options(session, [p for p, _ in found.values()])
    today = now().date()

    invalid: dict[str, Any] = {}
    refused: dict[str, Any] = {}
    codes: set[str] = set()
    shortages: list[Shortage] = []
    priced = []
    for index, line in enumerate(lines):
        path = f"lines.{index}"
        pair = found.get(as_uuid(line["product_id"]) or "")
        if pair is None or not pair[0].listed:
            refused[f"{path}.product_id"] = "This product is not available."
            codes.add("not_available")
            continue
        product, shop = pair
        try:
            ensure_public_price(product.sale_mode)
            if for_cart:
                vacation = vacation_of(shop)
                ensure_can_add_to_cart(cart_refusal(
                    ShopStatus(shop.status), product.enabled, product.hidden_by_moderation,
                    vacation, today, product.sale_mode), vacation)
        except ServiceError as refusal:
            refused[f"{path}.product_id"] = refusal.detail
            codes.add(refusal.code)
            continue
        options = [global_options[i] for i in product.global_option_ids if i in global_options]
        try:
            quoted = quote_line(_priced(product, options), line["quantity"], line["options"])
        except QuoteInvalid as bad:
            invalid.update({f"{path}.{key}": message for key, message in bad.errors.items()})
            continue
        available = available_of(product)
        if for_cart and available is not None and available < line["quantity"]:
            shortages.append(Shortage(product.id, line["quantity"], available))
        priced.append(_line(product, quoted, available))
    if invalid:
        raise QuoteInvalid("Some lines cannot be priced.", errors=invalid)
    if refused:
        code = codes.pop() if len(codes) == 1 else "not_for_sale"
        raise NotForSale("Some products cannot be bought now.", code=code, errors=refused)
    if shortages:
        raise OutOfStock.for_shortages(shortages)
    return priced


def _line(product: Product, quoted, available: int | None) -> dict[str, Any]:
    return {
        "product_id": product.id,
        "shop_id": product.shop_id,
        "title": product.title,
        "currency": product.currency,
        **quoted.to_dict(),
        "weight_grams": product.weight_grams,
        "free_delivery": product.free_delivery,
        "dispatch_days": dispatch_days(stock_of(product)),
        "stock_mode": product.stock_mode,
        "available": available,
        "sale_mode": product.sale_mode,
    }
