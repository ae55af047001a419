"""Marshmallow schemas for what enters the catalog service.

Every entrypoint loads its arguments through one of them with the kernel's `schemas.load`, the ids
of its path merged into the body (`load(ShopPatchIn, body, error=ShopInvalid, shop_id=shop_id)`).
Ids are taken as given: an id that is not a UUID names nothing, so the action answers 404 as for any unknown one.
They check field types only: money and quantities are strict JSON integers (`"10000"`, `1000.5`
and `true` are refused), unknown fields are refused. The catalog's rules (titles, options,
wholesale tiers, characteristics, ...) are the domain's (`domain/`), checked after these.
Errors come out flat, a list of messages per dotted path (`options.0.variants.1.price_delta`), as
the domain's do, so the gateway shows one shape of 422.
"""

from __future__ import annotations

from typing import Any

from marshmallow import RAISE, Schema, ValidationError, fields, validate

from services.catalog.domain.categories import CHARACTERISTIC_KEYS
from services.catalog.domain.errors import ProductInvalid
from services.catalog.domain.products import ProductDraft, validate_product_draft
from services.common.fields import MinorUnits, StrictInteger
from services.common.schemas import load

OPTION_KINDS = ("select", "checkbox", "radio", "text")
SALE_MODES = ("buy_now", "buy_now_or_offer", "offer_only")
STOCK_MODES = ("tracked", "made_to_order", "untracked")
SORTS = ("price_asc", "price_desc", "discount", "popularity", "newest")
CONTACT_METHODS = ("email", "site_chat", "whatsapp_viber", "sms", "phone_call")


class _Strict(Schema):
    class Meta:
        unknown = RAISE


class StrictBoolean(fields.Boolean):
    """true or false, nothing else (no "yes", no 1)."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, bool):
            raise ValidationError("Must be true or false.")
        return value


def _text(max_length: int, **kw) -> fields.String:
    return fields.String(validate=validate.Length(max=max_length), **kw)


# Products ---------------------------------------------------------------------------------------
class VariantIn(_Strict):
    id = fields.String(load_default=None, allow_none=True)
    label = fields.String(required=True)
    price_delta = MinorUnits(load_default=0)


class OptionIn(_Strict):
    id = fields.String(load_default=None, allow_none=True)
    name = fields.String(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(OPTION_KINDS))
    required = StrictBoolean(load_default=False)
    variants = fields.List(fields.Nested(VariantIn), load_default=list)


class GlobalOptionIn(_Strict):
    name = fields.String(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(OPTION_KINDS))
    required = StrictBoolean(load_default=False)
    variants = fields.List(fields.Nested(VariantIn), load_default=list)


class WholesaleIn(_Strict):
    min_quantity = StrictInteger(required=True)
    percent_off = StrictInteger()
    unit_price = MinorUnits()
    set_price = MinorUnits()


class StockIn(_Strict):
    mode = fields.String(required=True, validate=validate.OneOf(STOCK_MODES))
    quantity = StrictInteger(allow_none=True, validate=validate.Range(min=0))
    production_days = StrictInteger(allow_none=True)


class ImageIn(_Strict):
    """An image the gateway resolved from the seller's upload (URLs as paths under the media
    base); the catalog keeps it as given, to show it without asking."""

    id = fields.String(required=True, validate=validate.Length(min=1, max=64))
    url = _text(500, required=True)
    page_url = _text(500, required=True)
    thumb_url = _text(500, required=True)
    width = StrictInteger(required=True, allow_none=True)
    height = StrictInteger(required=True, allow_none=True)


def _media_path(**kw) -> fields.String:
    """A shop image: the path of an upload under the media base (the gateway resolved it)."""
    return fields.String(allow_none=True, validate=validate.Regexp(r"^/media/\S{1,490}$"), **kw)


class ProductIn(_Strict):
    title = fields.String(required=True)
    description = fields.String(load_default="")
    category = fields.String(required=True)
    price = MinorUnits(required=True)
    sale_mode = fields.String(load_default="buy_now", validate=validate.OneOf(SALE_MODES))
    discount_percent = StrictInteger(load_default=0)
    images = fields.List(fields.Nested(ImageIn), load_default=list)
    stock = fields.Nested(StockIn, required=True)
    weight_grams = StrictInteger(allow_none=True, load_default=None)
    free_delivery = StrictBoolean(load_default=False)
    options = fields.List(fields.Nested(OptionIn), load_default=list)
    wholesale = fields.List(fields.Nested(WholesaleIn), load_default=list)
    global_option_ids = fields.List(fields.String(), load_default=list)
    characteristics = fields.Dict(
        keys=fields.String(), values=fields.List(fields.String()), load_default=dict
    )
    video_url = fields.String(allow_none=True, load_default=None)
    enabled = StrictBoolean(load_default=True)


class ProductPatch(ProductIn):
    """A partial product: only the fields given change (checked merged with the stored product)."""

    title = fields.String()
    description = fields.String()
    category = fields.String()
    price = MinorUnits()
    sale_mode = fields.String(validate=validate.OneOf(SALE_MODES))
    discount_percent = StrictInteger()
    images = fields.List(fields.Nested(ImageIn))
    stock = fields.Nested(StockIn)
    weight_grams = StrictInteger(allow_none=True)
    free_delivery = StrictBoolean()
    options = fields.List(fields.Nested(OptionIn))
    wholesale = fields.List(fields.Nested(WholesaleIn))
    global_option_ids = fields.List(fields.String())
    characteristics = fields.Dict(keys=fields.String(), values=fields.List(fields.String()))
    video_url = fields.String(allow_none=True)
    enabled = StrictBoolean()


class LabelsIn(_Strict):
    official_reseller = StrictBoolean(required=True)


class QuoteIn(_Strict):
    quantity = StrictInteger(required=True, validate=validate.Range(min=1))
    options = fields.Dict(keys=fields.String(), load_default=dict)


class QuoteLineIn(QuoteIn):
    product_id = fields.String(required=True)


class QuoteLinesIn(_Strict):
    lines = fields.List(fields.Nested(QuoteLineIn), required=True,
                        validate=validate.Length(min=1, max=200))


class HoldIn(_Strict):
    order_id = fields.UUID(required=True)
    shop_id = fields.String(required=True)
    lines = fields.List(fields.Nested(QuoteLineIn), required=True,
                        validate=validate.Length(min=1, max=200))


class ReserveLineIn(_Strict):
    product_id = fields.String(required=True)
    quantity = StrictInteger(required=True, validate=validate.Range(min=1))


# Shops ------------------------------------------------------------------------------------------
class RulesIn(_Strict):
    confirm_days = StrictInteger()
    prepayment_percent = StrictInteger()
    returns = _text(10_000)
    shipping_terms = _text(10_000)
    non_returnable = _text(10_000)
    other = _text(10_000)


class LegalIn(_Strict):
    form = fields.String(required=True,
                         validate=validate.OneOf(("self_employed", "sole_trader", "company")))
    tax_id = fields.String(required=True, validate=validate.Length(min=1, max=50))
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))


class ShopIn(_Strict):
    name = fields.String(required=True)
    currency = fields.String(required=True)
    about = _text(10_000, load_default="")
    delivery_and_payment = _text(10_000, load_default="")
    logo_url = _media_path(load_default=None)
    banner_url = _media_path(load_default=None)
    rules = fields.Nested(RulesIn, load_default=dict)
    contact_methods = fields.List(fields.String(), load_default=list)
    legal = fields.Nested(LegalIn, allow_none=True, load_default=None)


class ShopPatch(ShopIn):
    name = fields.String()
    currency = fields.String()
    about = _text(10_000)
    delivery_and_payment = _text(10_000)
    logo_url = _media_path()
    banner_url = _media_path()
    rules = fields.Nested(RulesIn)
    contact_methods = fields.List(fields.String())
    legal = fields.Nested(LegalIn, allow_none=True)


class VacationIn(_Strict):
    message = _text(1_000, required=True)
    starts_on = fields.Date(required=True)
    ends_on = fields.Date(required=True)
    allow_cart = StrictBoolean(load_default=False)


class CollectionIn(_Strict):
    name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    product_ids = fields.List(fields.String(), load_default=list,
                              validate=validate.Length(max=500))
    cover = fields.Nested(ImageIn, allow_none=True, load_default=None)


# What each entrypoint takes: the body with the ids of its path -------------------------------------
def _id() -> fields.Raw:
    return fields.Raw(required=True, allow_none=True)


class ShopRef(_Strict):
    shop_id = _id()


class ShopPageIn(ShopRef):
    """A page of one of the shop's lists (`{items, page, per_page, total}`)."""

    page = StrictInteger(load_default=1, validate=validate.Range(min=1, max=10_000))
    per_page = StrictInteger(load_default=20, validate=validate.Range(min=1, max=100))


class ProductRef(_Strict):
    product_id = _id()


class OrderRef(_Strict):
    order_id = _id()


class ShopPatchIn(ShopRef, ShopPatch):
    """A change to a shop's profile and rules."""


class VacationChange(ShopRef, VacationIn):
    """A shop's vacation."""


class GlobalOptionChange(ShopRef, GlobalOptionIn):
    """An option a shop offers on any of its products."""


class CollectionChange(ShopRef, CollectionIn):
    """A collection of a shop's products."""


class NewProductIn(ShopRef, ProductIn):
    """A new product of the shop."""


class ShopImportIn(ShopIn):
    """A shop of an import (`actions/imports.py`): its `ShopIn` body with the import's fields."""

    id = fields.UUID(load_default=None)
    owner_id = fields.UUID(required=True)
    created_at = fields.AwareDateTime(load_default=None)
    reliable_seller = StrictBoolean(load_default=False)
    online_payment = StrictBoolean(load_default=False)


class ProductImportIn(NewProductIn):
    """A product of an import: its `NewProductIn` body with the import's fields (its id and
    creation time, the admin's label and the popularity counters it brings along)."""

    id = fields.UUID(load_default=None)
    created_at = fields.AwareDateTime(load_default=None)
    official_reseller = StrictBoolean(load_default=False)
    views = StrictInteger(load_default=0, validate=validate.Range(min=0))
    cart_adds = StrictInteger(load_default=0, validate=validate.Range(min=0))
    sales = StrictInteger(load_default=0, validate=validate.Range(min=0))
    review_count = StrictInteger(load_default=0, validate=validate.Range(min=0))
    rating_sum = StrictInteger(load_default=0, validate=validate.Range(min=0))


class ProductChange(ProductRef, ProductPatch):
    """A change to a product: only the fields given change."""


class LabelsChange(ProductRef, LabelsIn):
    """The labels an admin gives a product."""


class ProductQuoteIn(ProductRef, QuoteIn):
    """A quantity and options of one product to price."""


class ProductViewIn(ProductRef):
    count_view = fields.Boolean(load_default=False)


MAX_VIEW_BATCH = 10_000  # products in one batch of views counted at the edge


class ViewBatchIn(_Strict):
    """Page views counted in front of the catalog (the gateway's cache): product id → views."""

    views = fields.Dict(keys=fields.UUID(), values=StrictInteger(validate=validate.Range(min=1)),
                        required=True, validate=validate.Length(min=1, max=MAX_VIEW_BATCH))


class LinesIn(QuoteLinesIn):
    for_cart = fields.Boolean(load_default=False)


class ReserveIn(_Strict):
    order_id = fields.UUID(required=True)
    lines = fields.List(fields.Nested(ReserveLineIn), required=True,
                        validate=validate.Length(min=1, max=200))


class SellerRef(_Strict):
    user_id = _id()


# Listing ----------------------------------------------------------------------------------------
class OneOrMany(fields.Field):
    """A query parameter given once (`color=red`) or repeated (`color=[red, blue]`)."""

    def _deserialize(self, value, attr, data, **kwargs):
        values = value if isinstance(value, list | tuple) else [value]
        if not all(isinstance(v, str) for v in values):
            raise ValidationError("Give text values.")
        return [v for v in values if v.strip()]


class _ListQueryBase(_Strict):
    q = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=200))
    category = fields.String(load_default=None, allow_none=True)
    shop_id = fields.String(load_default=None, allow_none=True)
    min_price = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(min=0))
    max_price = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(min=0))
    sort = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(SORTS))
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=10_000))
    per_page = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))


# ... and one parameter per characteristic key (`color`, `material`, ...).
ListQuery = _ListQueryBase.from_dict(
    {key: OneOrMany(load_default=None, allow_none=True) for key in CHARACTERISTIC_KEYS},
    name="ListQuery",
)


# Loading ----------------------------------------------------------------------------------------
PRODUCT_INVALID = "The product breaks the catalog's rules."


def load_product(schema: type[Schema], data: Any, partial: bool = False, **ids: Any) -> dict:
    """A product body (`NewProductIn`, or with `partial` a change, `ProductChange`). When a new
    product's field types are wrong, the catalog's rules are still checked on what can be read of
    it, so one refusal names every broken field (a change is checked against the stored product
    once its types are right)."""
    try:
        return load(schema, data, error=ProductInvalid, detail=PRODUCT_INVALID, partial=partial,
                    **ids)
    except ProductInvalid as refused:
        if partial or not isinstance(data, dict):
            raise
        errors = dict(refused.errors)
    try:
        validate_product_draft(ProductDraft.from_dict(data))
    except ProductInvalid as broken:
        errors = {**broken.errors, **errors}
    except (TypeError, ValueError, AttributeError, KeyError):
        pass  # too malformed to read further: the type errors say enough
    raise ProductInvalid(PRODUCT_INVALID, errors=errors)
