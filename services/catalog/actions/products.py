"""Products: create, read, change, disable; view counting; the admin's `official_reseller` label.

A change (PATCH) is merged into the stored product and the whole result is checked by the domain
(`validate_product_draft`), so rules that span fields hold after every change. `stock.quantity` in a
body is what can still be sold: the units held by live orders are added to it to get the quantity on
hand (`on_hand_for_available`). Options keep their ids across changes when the body repeats them;
options and variants without a known id get new ones.

The product's search terms (domain/search.py) are rewritten in the same transaction whenever its
title, description or characteristics are written (`listing.set_search_columns` before the row is
written, `listing.write_search_terms` after).

Events, in the transaction of the change: `product.created`; `product.updated` for any change
(labels included); `product.hidden` when the product leaves the storefront because its seller
disabled it (moderation's hiding is recorded by `effects`).
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from services.catalog.domain import search
from services.catalog.domain.errors import ProductInvalid
from services.catalog.domain.model import SaleMode, StockMode
from services.catalog.domain.pricing import effective_price
from services.catalog.domain.products import ProductDraft, image_entry, validate_product_draft
from services.catalog.domain.stock import on_hand_for_available
from services.catalog.models import (
    GlobalOption,
    Product,
    ProductCharacteristic,
    ProductView,
    Shop,
)
from services.common.caller import Caller
from services.common.money import Money
from services.common.uow import UnitOfWork

from . import signals
from .common import (
    ensure_manageable,
    global_options_of,
    is_owner,
    new_id,
    now,
    owned_product,
    owned_shop,
    visible_product,
)
from .listing import set_search_columns, write_search_terms
from .views import available_of, product_payload

INVALID = "The product breaks the catalog's rules."


def create_product(uow: UnitOfWork, caller: Caller, data: dict[str, Any]) -> dict[str, Any]:
    """A command: run once per request id."""
    with uow:
        session = uow.session
        shop = owned_shop(session, caller, data["shop_id"])
        ensure_manageable(shop)
        body = {key: value for key, value in data.items() if key != "shop_id"}
        draft, global_options = checked(session, shop, body)
        moment = now()
        product = Product(**new_product_columns(shop, moment))
        index = apply_draft(product, shop, draft, previous_options=[])
        session.add(product)
        session.flush()
        _write_characteristics(session, product)
        write_search_terms(session, [(product.id, index)])
        uow.record("product.created", _ref(product), aggregate_id=product.id)
        return product_payload(product, shop, global_options, owner=True, now=moment)


def get_product(uow: UnitOfWork, caller: Caller, data: dict[str, Any]) -> dict[str, Any]:
    """A read and, for a visitor, one INSERT into the view log: no transaction needed."""
    with uow.reading() as session:
        product, shop = visible_product(session, caller, data["product_id"])
        owner = is_owner(caller, shop)
        if data["count_view"] and not owner:
            _count_view(session, product.id)
        options = global_options_of(session, shop.id, list(product.global_option_ids))
        return product_payload(product, shop, options, owner=owner, now=now())


def record_view(uow: UnitOfWork, caller: Caller, data: dict[str, Any]) -> None:
    with uow.reading() as session:
        product, shop = visible_product(session, caller, data["product_id"])
        if not is_owner(caller, shop):
            _count_view(session, product.id)


def record_views(uow: UnitOfWork, caller: Caller, data: dict[str, Any]) -> dict[str, int]:
    """A batch of page views counted in front of the catalog (the gateway's cache counts the
    pages it answers itself), added to the products' counters in one transaction. A command: run
    once per batch id, so a batch sent again after a lost answer counts once. Products the
    catalog does not know are left out. `{"counted": views added}`."""
    views = {str(product_id): count for product_id, count in data["views"].items()}
    with uow:
        known = uow.session.execute(
            select(Product.id).where(Product.id.in_(sorted(views)))).scalars().all()
        if known:
            signals.add_to_counters(uow.session,
                                    {product_id: Counter(views=views[product_id])
                                     for product_id in known})
        return {"counted": sum(views[product_id] for product_id in known)}


def update_product(uow: UnitOfWork, caller: Caller, data: dict[str, Any]) -> dict[str, Any]:
    """`data` is the change (the fields given) with the product's id."""
    with uow:
        session = uow.session
        product, shop = owned_product(session, caller, data["product_id"], lock=True)
        ensure_manageable(shop)
        change = {key: value for key, value in data.items() if key != "product_id"}
        merged = _merge(_stored_body(product), change)
        draft, global_options = checked(session, shop, merged)
        was_listed = product.listed
        searched = _searched(product)
        index = apply_draft(product, shop, draft, previous_options=list(product.options))
        product.updated_at = now()
        session.flush()
        _write_characteristics(session, product)
        if _searched(product) != searched:
            write_search_terms(session, [(product.id, index)])
        _record_change(uow, product, was_listed)
        return product_payload(product, shop, global_options, owner=True,
                               now=product.updated_at)


def disable_product(uow: UnitOfWork, caller: Caller, data: dict[str, Any]) -> dict[str, Any]:
    """DELETE /products/{id}: the product is disabled (kept for orders that name it)."""
    with uow:
        session = uow.session
        product, shop = owned_product(session, caller, data["product_id"], lock=True)
        ensure_manageable(shop)
        if product.enabled:
            was_listed = product.listed
            product.enabled = False
            signals.refresh(product, shop)
            product.updated_at = now()
            _record_change(uow, product, was_listed)
        options = global_options_of(session, shop.id, list(product.global_option_ids))
        return product_payload(product, shop, options, owner=True, now=now())


def set_labels(uow: UnitOfWork, caller: Caller, data: dict[str, Any]) -> dict[str, Any]:
    caller.require("admin")
    with uow:
        session = uow.session
        product, shop = visible_product(session, caller, data["product_id"])
        if product.official_reseller != data["official_reseller"]:
            product.official_reseller = data["official_reseller"]
            product.updated_at = now()
            uow.record("product.updated", _ref(product), aggregate_id=product.id)
        options = global_options_of(session, shop.id, list(product.global_option_ids))
        return product_payload(product, shop, options, owner=False, now=now())


# Helpers ----------------------------------------------------------------------------------------


def _merge(stored: dict[str, Any], patch: dict[str, Any]) -> dict[str, Any]:
    merged = dict(stored)
    for key, value in patch.items():
        same_mode = isinstance(value, dict) and "stock" in stored and (
            value.get("mode", stored["stock"]["mode"]) == stored["stock"]["mode"])
        merged[key] = {**stored["stock"], **value} if key == "stock" and same_mode else value
    return merged


def _ref(product: Product) -> dict[str, str]:
    return {"product_id": product.id, "shop_id": product.shop_id}


def _record_change(uow: UnitOfWork, product: Product, was_listed: bool) -> None:
    uow.record("product.updated", _ref(product), aggregate_id=product.id)
    if was_listed and not product.listed and not product.enabled:
        uow.record("product.hidden", {**_ref(product), "reason": "disabled_by_seller"},
                   aggregate_id=product.id)


def _count_view(session: Session, product_id: str) -> None:
    """Appended to the view log; `effects.fold_views` adds it to the product within seconds."""
    session.connection().execute(insert(ProductView).values(product_id=product_id).inline())


def checked(session: Session, shop: Shop,
            data: dict[str, Any]) -> tuple[ProductDraft, list[GlobalOption]]:
    """The body checked by every domain rule, and the shop's global options it attaches."""
    errors: dict[str, Any] = {}
    draft = ProductDraft.from_dict(data)
    try:
        draft = validate_product_draft(draft)
    except ProductInvalid as refused:
        errors.update(refused.errors)
    global_options = global_options_of(session, shop.id, list(draft.global_option_ids))
    known = {option.id for option in global_options}
    unknown = [i for i in draft.global_option_ids if i not in known]
    if unknown:
        errors.setdefault("global_option_ids",
                          [f"This shop has no global option {', '.join(unknown)}."])
    if errors:
        raise ProductInvalid(INVALID, errors=errors)
    return draft, global_options


def _with_ids(draft: ProductDraft, previous: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The draft's options as stored, in the body's order (so a change that lists the same
    variants in another order reorders them), keeping the ids the body repeats from the stored
    product: carts and orders name variants by id. An id the body repeats twice is kept by its
    first use; the second is a new option or variant with an id of its own."""
    old = {o["id"]: {v["id"] for v in o.get("variants") or ()} for o in previous}
    stored, used = [], set()
    for option in draft.options:
        option_id = _kept(option.id, old, used)
        variants = [
            {"id": _kept(v.id, old.get(option_id, ()), used),
             "label": v.label.strip(), "price_delta": v.price_delta}
            for v in option.variants
        ]
        stored.append({"id": option_id, "name": option.name.strip(), "kind": option.kind.value,
                       "required": option.required, "variants": variants})
    return stored


def _kept(given: str | None, known: Any, used: set[str]) -> str:
    """`given` if it names a stored id not used yet in this body, else a new id."""
    kept = given if given in known and given not in used else new_id()
    used.add(kept)
    return kept


def new_product_columns(shop: Shop, moment: datetime, **given: Any) -> dict[str, Any]:
    """The columns of a new product that its body does not set: a fresh id, nothing reserved,
    sold or viewed yet, no label (an import gives some of them: `given`)."""
    return {"id": new_id(), "shop_id": shop.id, "currency": shop.currency, "stock_reserved": 0,
            "hidden_by_moderation": False, "official_reseller": False, "views": 0,
            "cart_adds": 0, "sales": 0, "review_count": 0, "rating_sum": 0,
            "created_at": moment, "updated_at": moment, **given}


def apply_draft(product: Any, shop: Any, draft: ProductDraft,
                previous_options: list[dict[str, Any]]) -> search.ProductIndex:
    """The one place a checked body becomes a product's columns: set on `product` (a Product, or
    any object with its attributes, such as an import's row) with every derived column (effective
    price, quantity on hand, option ids, search columns, `listed`, `popularity`). Its search index
    is returned, for `write_search_terms`."""
    sale_mode = SaleMode(draft.sale_mode)
    product.title = draft.title
    product.description = draft.description
    product.category = draft.category
    product.price = draft.price
    product.discount_percent = draft.discount_percent
    product.effective_price = (
        effective_price(Money(draft.price, shop.currency), draft.discount_percent).amount
        if sale_mode.has_public_price else None
    )
    product.sale_mode = sale_mode.value
    product.images = [dict(image) for image in draft.images]
    product.video_url = draft.video_url
    product.stock_mode = draft.stock.mode.value
    tracked = draft.stock.mode is StockMode.TRACKED
    product.stock_on_hand = (
        on_hand_for_available(draft.stock.quantity, product.stock_reserved or 0) if tracked else None
    )
    product.production_days = draft.stock.production_days
    product.weight_grams = draft.weight_grams
    product.free_delivery = draft.free_delivery
    product.options = _with_ids(draft, previous_options)
    product.wholesale = [tier.to_dict() for tier in draft.wholesale]
    product.global_option_ids = list(draft.global_option_ids)
    product.characteristics = {k: list(v) for k, v in draft.characteristics.items()}
    product.enabled = draft.enabled
    index = set_search_columns(product)
    signals.refresh(product, shop)
    return index


def _searched(product: Product) -> tuple[str, str, dict[str, list[str]]]:
    """What a product's search terms are made of."""
    return (product.title, product.description,
            {k: list(v) for k, v in (product.characteristics or {}).items()})


def _write_characteristics(session: Session, product: Product) -> None:
    session.execute(delete(ProductCharacteristic).where(
        ProductCharacteristic.product_id == product.id))
    rows = characteristic_rows(product.id, product.characteristics)
    if rows:
        session.execute(insert(ProductCharacteristic), rows)


def characteristic_rows(product_id: str, characteristics: dict[str, list[str]]) -> list[dict]:
    rows = {(key, value.casefold()) for key, values in characteristics.items() for value in values}
    return [{"product_id": product_id, "key": k, "value": v} for k, v in sorted(rows)]


def _stored_body(product: Product) -> dict[str, Any]:
    """The stored product in the shape of a request body, to merge a change into."""
    return {
        "title": product.title,
        "description": product.description,
        "category": product.category,
        "price": product.price,
        "sale_mode": product.sale_mode,
        "discount_percent": product.discount_percent,
        "images": [image_entry(image) for image in product.images],
        "stock": {"mode": product.stock_mode, "quantity": available_of(product),
                  "production_days": product.production_days},
        "weight_grams": product.weight_grams,
        "free_delivery": product.free_delivery,
        "options": [dict(o) for o in product.options],
        "wholesale": [dict(t) for t in product.wholesale],
        "global_option_ids": list(product.global_option_ids),
        "characteristics": dict(product.characteristics),
        "video_url": product.video_url,
        "enabled": product.enabled,
    }
