"""The payloads that leave the catalog service, in the API's shapes (API.md, catalog).

In responses money is `{"amount": minor units, "currency": ...}`. Images are `{id, url, page_url,
thumb_url, width, height}` with the URLs as the gateway resolved them (paths under its media base,
which it makes whole); a listing card carries the main image's `thumb_url`. An `offer_only` product shows no
public price to anyone but its owner. The owner also sees what others may not: a disabled or hidden
product's flags, the stock on hand and held. A shop's legal details (form, tax id, legal name) are
public: seed 003 asks sellers to show them to buyers.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from services.catalog.domain.labels import LabelFacts, product_labels, shop_labels
from services.catalog.domain.model import SaleMode, Stock, StockMode
from services.catalog.domain.products import dispatch_days, image_entry
from services.catalog.domain.ratings import ShopRating
from services.catalog.domain.shops import Vacation
from services.catalog.domain.stock import available_quantity
from services.catalog.models import Collection, GlobalOption, Product, Shop
from services.common.clock import as_utc


def money(amount: int | None, currency: str) -> dict[str, Any] | None:
    return None if amount is None else {"amount": amount, "currency": currency}


def vacation_of(shop: Shop) -> Vacation | None:
    data = shop.vacation
    if not data:
        return None
    return Vacation(data["message"], date.fromisoformat(data["starts_on"]),
                    date.fromisoformat(data["ends_on"]), bool(data.get("allow_cart")))


def vacation_payload(shop: Shop, today: date) -> dict[str, Any] | None:
    vacation = vacation_of(shop)
    if vacation is None:
        return None
    return {"message": vacation.message, "starts_on": vacation.starts_on.isoformat(),
            "ends_on": vacation.ends_on.isoformat(), "allow_cart": vacation.allow_cart,
            "active": vacation.active_on(today)}


def shop_payload(shop: Shop, *, now: datetime) -> dict[str, Any]:
    body = {
        "id": shop.id,
        "owner_id": shop.owner_id,
        "name": shop.name,
        "currency": shop.currency,
        "about": shop.about,
        "delivery_and_payment": shop.delivery_and_payment,
        "logo_url": shop.logo_url,
        "banner_url": shop.banner_url,
        "rules": dict(shop.rules),
        "contact_methods": list(shop.contact_methods),
        "labels": shop_labels(shop.reliable_seller),
        "vacation": vacation_payload(shop, now.date()),
        "status": shop.status,
        "online_payment": shop.online_payment,
        "legal": legal_payload(shop.legal),
        "rating": ShopRating(shop.rating_sum or 0, shop.rating_count or 0).to_dict(),
        "created_at": as_utc(shop.created_at).isoformat(),
    }
    return body


def legal_payload(legal: dict[str, Any] | None) -> dict[str, Any] | None:
    if not legal:
        return None
    return {"form": legal["form"], "tax_id": legal["tax_id"], "name": legal["name"]}


def shop_summary(shop: Shop, now: datetime) -> dict[str, Any]:
    """What every product page shows of its shop."""
    vacation = vacation_payload(shop, now.date())
    return {
        "id": shop.id,
        "name": shop.name,
        "labels": shop_labels(shop.reliable_seller),
        "rules": dict(shop.rules),
        "delivery_and_payment": shop.delivery_and_payment,
        "vacation": vacation if vacation and vacation["active"] else None,
    }


def labels_of(product: Product, now: datetime) -> list[str]:
    return product_labels(
        LabelFacts(
            created_at=as_utc(product.created_at),
            purchases=product.sales or 0,
            discount_percent=product.discount_percent,
            free_delivery=product.free_delivery,
            official_reseller=product.official_reseller,
        ),
        now,
    )


def option_payload(option: dict[str, Any], currency: str) -> dict[str, Any]:
    return {
        "id": option["id"],
        "name": option["name"],
        "kind": option["kind"],
        "required": option.get("required", False),
        "variants": [
            {"id": v["id"], "label": v["label"], "price_delta": money(v["price_delta"], currency)}
            for v in option.get("variants") or ()
        ],
    }


def global_option_dict(option: GlobalOption) -> dict[str, Any]:
    """A global option in the stored shape of a product's own options (for pricing)."""
    return {"id": option.id, "name": option.name, "kind": option.kind,
            "required": option.required, "variants": list(option.variants)}


def global_option_payload(option: GlobalOption, currency: str) -> dict[str, Any]:
    return {**option_payload(global_option_dict(option), currency), "global": True}


def wholesale_payload(tier: dict[str, Any], currency: str) -> dict[str, Any]:
    body: dict[str, Any] = {"min_quantity": tier["min_quantity"]}
    for kind in ("percent_off", "unit_price", "set_price"):
        if tier.get(kind) is not None:
            body[kind] = tier[kind] if kind == "percent_off" else money(tier[kind], currency)
    return body


def stock_of(product: Product) -> Stock:
    return Stock(StockMode(product.stock_mode), product.stock_on_hand, product.production_days)


def available_of(product: Product) -> int | None:
    return available_quantity(StockMode(product.stock_mode), product.stock_on_hand,
                              product.stock_reserved)


def product_payload(product: Product, shop: Shop, global_options: list[GlobalOption], *,
                    owner: bool, now: datetime) -> dict[str, Any]:
    currency = product.currency
    public_price = owner or SaleMode(product.sale_mode).has_public_price
    stock: dict[str, Any] = {
        "mode": product.stock_mode,
        "quantity": available_of(product),
        "production_days": product.production_days,
    }
    if owner and product.stock_mode == StockMode.TRACKED.value:
        stock.update(on_hand=product.stock_on_hand, reserved=product.stock_reserved)
    body = {
        "id": product.id,
        "shop_id": product.shop_id,
        "title": product.title,
        "description": product.description,
        "category": product.category,
        "price": money(product.price, currency) if public_price else None,
        "sale_mode": product.sale_mode,
        "discount_percent": product.discount_percent,
        "effective_price": money(product.effective_price, currency) if public_price else None,
        "images": [image_entry(image) for image in product.images],
        "video_url": product.video_url,
        "stock": stock,
        "weight_grams": product.weight_grams,
        "free_delivery": product.free_delivery,
        "options": [option_payload(o, currency) for o in product.options],
        "global_option_ids": list(product.global_option_ids),
        "global_options": [global_option_payload(o, currency) for o in global_options],
        "wholesale": [wholesale_payload(t, currency) for t in product.wholesale],
        "characteristics": dict(product.characteristics),
        "enabled": product.enabled,
        "labels": labels_of(product, now),
        "dispatch_days": dispatch_days(stock_of(product)),
        "online_payment": shop.online_payment,
        "shop": shop_summary(shop, now),
        "created_at": as_utc(product.created_at).isoformat(),
        "updated_at": as_utc(product.updated_at).isoformat(),
    }
    if owner:
        body["hidden_by_moderation"] = product.hidden_by_moderation
        body["listed"] = product.listed
        body["stats"] = {"views": product.views, "cart_adds": product.cart_adds,
                         "sales": product.sales, "review_count": product.review_count,
                         "rating_sum": product.rating_sum, "popularity": product.popularity}
    return body


def card_payload(row: Any, now: datetime) -> dict[str, Any]:
    """A product in a listing: what a storefront tile shows (a row of the listing query)."""
    public = SaleMode(row.sale_mode).has_public_price
    return {
        "id": row.id,
        "shop_id": row.shop_id,
        "title": row.title,
        "category": row.category,
        "price": money(row.price, row.currency) if public else None,
        "effective_price": money(row.effective_price, row.currency) if public else None,
        "discount_percent": row.discount_percent,
        "sale_mode": row.sale_mode,
        "thumb_url": image_entry(row.images[0])["thumb_url"] if row.images else None,
        "free_delivery": row.free_delivery,
        "labels": labels_of(row, now),
        "created_at": as_utc(row.created_at).isoformat(),
    }


def collection_payload(collection: Collection, product_ids: list[str]) -> dict[str, Any]:
    return {
        "id": collection.id,
        "shop_id": collection.shop_id,
        "name": collection.name,
        "product_ids": product_ids,
        "cover": image_entry(collection.cover) if collection.cover else None,
        "created_at": as_utc(collection.created_at).isoformat(),
    }
