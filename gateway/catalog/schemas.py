"""What the catalog routes accept and return.

Requests: unknown fields are refused at every depth; money (`price`, `price_delta`, `unit_price`,
`set_price`) and quantities are strict JSON integers (`"10000"`, `"$10,000"`, `1000.5`, `true` and
negatives are refused with 422); booleans are `true`/`false` only. Nothing here has a default, so a
body reaches the catalog service exactly as the client wrote it (dates as ISO text). The catalog's
rules across fields (titles not in capitals, a category's characteristics, option variants, wholesale
tiers, YouTube videos, vacation dates) are the service's to refuse, with the same 422 shape.

Responses: exactly what the catalog service returns (`services/catalog/actions/views.py`), so the
OpenAPI document describes the real payloads. Money in responses is `{amount, currency}`; fields
only the owner sees (`listed`, `hidden_by_moderation`, `stats`, `stock.on_hand`,
`stock.reserved`) are absent from everyone else's payload.
"""

from __future__ import annotations

import re

import marshmallow as ma
from marshmallow import ValidationError, fields, validate

from services.common import vocabulary
from services.common.fields import MinorUnits, StrictInteger

from ..media.schemas import ImageSchema, MediaUrl
from ..schemas import PageSchema, day, moment, money

CHARACTERISTIC_KEYS = ["age", "material", "gender", "shoe_size", "clothing_size", "color", "theme"]
OPTION_KINDS = ["select", "checkbox", "radio", "text"]
SALE_MODES = ["buy_now", "buy_now_or_offer", "offer_only"]
STOCK_MODES = ["tracked", "made_to_order", "untracked"]
SORTS = ["price_asc", "price_desc", "discount", "popularity", "newest"]
CONTACT_METHODS = list(vocabulary.CONTACT_METHODS)
LEGAL_FORMS = ["self_employed", "sole_trader", "company"]
SHOP_STATUSES = ["active", "products_hidden", "blocked", "banned"]
PRODUCT_LABELS = ["new", "hit", "discount", "free_delivery", "official_reseller"]
SHOP_LABELS = ["reliable_seller"]
MAX_MONEY = 10**13  # minor units: 100 billion in a two-decimal currency; keeps sums in 64 bits


class StrictBoolean(fields.Boolean):
    """`true` or `false`, nothing else (no "yes", no 1)."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, bool):
            raise ValidationError("Must be true or false.")
        return value


class QueryInteger(fields.Integer):
    """A non-negative integer in a query string: digits only (no sign, no fraction, no spaces)."""

    _DIGITS = re.compile(r"[0-9]{1,16}")

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, str) or not self._DIGITS.fullmatch(value):
            raise ValidationError("Must be a whole number of 0 or more, written in digits.")
        return super()._deserialize(value, attr, data, **kwargs)


def _price(**kwargs) -> StrictInteger:
    return MinorUnits(validate=validate.Range(min=0, max=MAX_MONEY), **kwargs)


def _text(max_length: int, **kwargs) -> fields.String:
    return fields.String(validate=validate.Length(max=max_length), **kwargs)


def _name(max_length: int = 100, **kwargs) -> fields.String:
    return fields.String(validate=validate.Length(min=1, max=max_length), **kwargs)


IMAGE_REF = ("An upload id (`POST /uploads`), or the URL of an image uploaded here (any of its "
             "sizes, as a response shows it); links to other sites are refused (422)")


def _image_ref(description: str, **kwargs) -> fields.String:
    return _name(2_000, metadata={"description": f"{description}. {IMAGE_REF}"}, **kwargs)


# Requests: products -------------------------------------------------------------------------------
class VariantIn(ma.Schema):
    id = fields.String(validate=validate.Length(min=1, max=64), allow_none=True, metadata={
        "description": "Repeat a stored variant's id in a change to keep it"})
    label = _name(required=True)
    price_delta = _price(metadata={"description": "Minor units added to the price (default 0)"})


class OptionIn(ma.Schema):
    id = fields.String(validate=validate.Length(min=1, max=64), allow_none=True, metadata={
        "description": "Repeat a stored option's id in a change to keep it"})
    name = _name(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(OPTION_KINDS))
    required = StrictBoolean()
    variants = fields.List(fields.Nested(VariantIn), validate=validate.Length(max=50), metadata={
        "description": "1 to 50 for select, checkbox and radio; none for text"})


class GlobalOptionIn(ma.Schema):
    name = _name(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(OPTION_KINDS))
    required = StrictBoolean()
    variants = fields.List(fields.Nested(VariantIn), validate=validate.Length(max=50))


WHOLESALE_RULE = (
    "Quantity discounts (seed 003), exactly one of `percent_off`, `unit_price`, `set_price` per "
    "tier; the highest tier whose `min_quantity` ≤ the quantity applies, after the product's "
    "`discount_percent`. `percent_off` comes on top of the discount (1000 at 10 % off, 20 % for "
    "3: 720 each). `unit_price` is the price of each unit at that quantity and `set_price` the "
    "price of `min_quantity` units together: the discount does not apply on top of them (1000 at "
    "10 % off with 850 each from 2: 2 cost 1700); where the discount alone gives less, it stands. "
    "Chosen variants get the same relative saving. One half-up rounding on the line total. Tiers "
    "go by increasing `min_quantity` from 2, and none may cost more per unit than the tier before "
    "it, the discount included.")


class WholesaleIn(ma.Schema):
    min_quantity = StrictInteger(required=True, validate=validate.Range(min=1, max=1_000_000))
    percent_off = StrictInteger(validate=validate.Range(min=0, max=100), metadata={
        "description": "Percent off the discounted unit, 1 to 99"})
    unit_price = _price(metadata={"description": "The price of each unit from `min_quantity` on "
                                                 "(minor units), below the product's price"})
    set_price = _price(metadata={"description": "The total for `min_quantity` units "
                                                "(3 for 2600 → min_quantity 3, set_price 260000)"})


class StockIn(ma.Schema):
    mode = fields.String(required=True, validate=validate.OneOf(STOCK_MODES))
    quantity = StrictInteger(allow_none=True, validate=validate.Range(min=0, max=10**9),
                             metadata={"description": "Units that can still be sold (tracked)"})
    production_days = StrictInteger(allow_none=True, validate=validate.Range(min=0, max=10_000),
                                    metadata={"description": "Made to order: 1 to 365"})


class ProductFields(ma.Schema):
    """A partial product (PATCH): only the fields given change."""

    title = _name(500, metadata={"description": "At most 150 characters, not in capitals"})
    description = _text(20_000)
    category = _name(100, metadata={"description": "A slug or id from GET /categories"})
    price = _price(metadata={"description": "Minor units of the shop's currency"})
    sale_mode = fields.String(validate=validate.OneOf(SALE_MODES))
    discount_percent = StrictInteger(validate=validate.Range(min=0, max=99))
    images = fields.List(_name(2_000), validate=validate.Length(max=20), metadata={
        "description": "At most 20, the first the main one, shown in the order given. Each the "
                       f"caller's own image: {IMAGE_REF}. Under 1000 px wide is accepted (the "
                       "upload warned of it)"})
    stock = fields.Nested(StockIn)
    weight_grams = StrictInteger(allow_none=True, validate=validate.Range(min=0, max=1_000_000))
    free_delivery = StrictBoolean()
    options = fields.List(fields.Nested(OptionIn), validate=validate.Length(max=20))
    wholesale = fields.List(fields.Nested(WholesaleIn), validate=validate.Length(max=10),
                            metadata={"description": WHOLESALE_RULE})
    global_option_ids = fields.List(_name(64), validate=validate.Length(max=100))
    characteristics = fields.Dict(
        keys=fields.String(validate=validate.OneOf(CHARACTERISTIC_KEYS)),
        values=fields.List(_name(50), validate=validate.Length(min=1, max=20)),
        metadata={"description": "Only the keys the product's category allows"})
    video_url = fields.String(allow_none=True, validate=validate.Length(max=500),
                              metadata={"description": "A YouTube link"})
    enabled = StrictBoolean()


class ProductCreateSchema(ProductFields):
    title = _name(500, required=True,
                  metadata={"description": "At most 150 characters, not in capitals"})
    category = _name(100, required=True,
                     metadata={"description": "A slug or id from GET /categories"})
    price = _price(required=True, metadata={"description": "Minor units of the shop's currency"})
    stock = fields.Nested(StockIn, required=True)


def option_choices(**kwargs) -> fields.Dict:
    """A buyer's choice of a product's options (a quote, a cart line, an order line)."""
    return fields.Dict(
        keys=fields.String(validate=validate.Length(min=1, max=64)), values=fields.Raw(),
        metadata={"description": "`{option_id: variant_id | [variant_ids] | \"text\"}`"},
        **kwargs,
    )


class ProductQuoteRequestSchema(ma.Schema):
    quantity = StrictInteger(required=True, validate=validate.Range(min=1, max=1_000_000))
    options = option_choices()


class LabelsSchema(ma.Schema):
    official_reseller = StrictBoolean(required=True)


class CollectionCreateSchema(ma.Schema):
    name = _name(required=True)
    product_ids = fields.List(_name(64), validate=validate.Length(max=500))
    cover = _image_ref("The collection's cover image, as a product image (seed 003: it may be "
                       "the photo of one of its products)", allow_none=True)


# Requests: shops ----------------------------------------------------------------------------------
class RulesIn(ma.Schema):
    confirm_days = StrictInteger(validate=validate.Range(min=1, max=30))
    prepayment_percent = StrictInteger(validate=validate.Range(min=0, max=100))
    returns = _text(10_000)
    shipping_terms = _text(10_000)
    non_returnable = _text(10_000)
    other = _text(10_000)


class LegalIn(ma.Schema):
    form = fields.String(required=True, validate=validate.OneOf(LEGAL_FORMS))
    tax_id = _name(50, required=True)
    name = _name(200, required=True)


class ShopFields(ma.Schema):
    """A partial shop (PATCH): only the fields given change."""

    name = _name()
    currency = fields.String(validate=validate.Regexp(r"^[A-Z]{3}$"),
                             metadata={"description": "ISO 4217, e.g. RUB"})
    about = _text(10_000)
    delivery_and_payment = _text(10_000)
    logo_url = _image_ref("The logo: square, at least 200x200 px (seed 003)", allow_none=True)
    banner_url = _image_ref("The banner: at least 1400 px wide (seed 003)", allow_none=True)
    rules = fields.Nested(RulesIn)
    contact_methods = fields.List(fields.String(validate=validate.OneOf(CONTACT_METHODS)),
                                  validate=validate.Length(max=5), metadata={
                                      "description": "None or empty: all; else at least two"})
    legal = fields.Nested(LegalIn, metadata={
        "description": "Required before online payment can be switched on"})


class ShopCreateSchema(ShopFields):
    name = _name(required=True)
    currency = fields.String(required=True, validate=validate.Regexp(r"^[A-Z]{3}$"),
                             metadata={"description": "ISO 4217, e.g. RUB"})


class VacationIn(ma.Schema):
    message = _text(1_000, required=True)
    starts_on = fields.Date(required=True)
    ends_on = fields.Date(required=True)
    allow_cart = StrictBoolean(metadata={"description": "Buyers may still add to carts "
                                                        "(default false)"})


# Requests: a page of a list ----------------------------------------------------------------------
class PageQuerySchema(ma.Schema):
    page = QueryInteger(validate=validate.Range(min=1, max=10_000),
                        metadata={"description": "1 by default"})
    per_page = QueryInteger(validate=validate.Range(min=1, max=100),
                            metadata={"description": "20 by default, at most 100"})


# Requests: the storefront's query -----------------------------------------------------------------
def _characteristic() -> fields.List:
    return fields.List(fields.String(validate=validate.Length(min=1, max=50)),
                       validate=validate.Length(max=10),
                       metadata={"description": "Repeat for several values (any matches)"})


class ProductQuerySchema(ma.Schema):
    q = fields.String(validate=validate.Length(min=1, max=100),
                      metadata={"description": "Words found in the title, the description's "
                                               "start or a characteristic"})
    category = fields.String(validate=validate.Regexp(r"^[A-Za-z0-9-]{1,64}$"),
                             metadata={"description": "A slug or id; its sub-categories included"})
    shop_id = fields.UUID()
    min_price = QueryInteger(validate=validate.Range(min=0, max=MAX_MONEY),
                             metadata={"description": "On the effective price, minor units"})
    max_price = QueryInteger(validate=validate.Range(min=0, max=MAX_MONEY),
                             metadata={"description": "On the effective price, minor units"})
    sort = fields.String(validate=validate.OneOf(SORTS),
                         metadata={"description": "popularity by default"})
    page = QueryInteger(validate=validate.Range(min=1, max=10_000))
    per_page = QueryInteger(validate=validate.Range(min=1, max=100))
    age = _characteristic()
    material = _characteristic()
    gender = _characteristic()
    shoe_size = _characteristic()
    clothing_size = _characteristic()
    color = _characteristic()
    theme = _characteristic()


# Responses ----------------------------------------------------------------------------------------
class CategorySchema(ma.Schema):
    id = fields.String(required=True)
    slug = fields.String(required=True)
    name = fields.String(required=True)
    parent_slug = fields.String(required=True, allow_none=True)
    characteristics = fields.List(fields.String(validate=validate.OneOf(CHARACTERISTIC_KEYS)),
                                  required=True)


class CategoryListSchema(ma.Schema):
    items = fields.List(fields.Nested(CategorySchema), required=True)


class RulesSchema(ma.Schema):
    confirm_days = fields.Integer(required=True)
    prepayment_percent = fields.Integer(required=True)
    returns = fields.String(required=True)
    shipping_terms = fields.String(required=True)
    non_returnable = fields.String(required=True)
    other = fields.String(required=True)


class LegalSchema(ma.Schema):
    form = fields.String(required=True)
    tax_id = fields.String(required=True)
    name = fields.String(required=True)


class RatingSchema(ma.Schema):
    average = fields.Float(required=True, allow_none=True, metadata={
        "description": "The mean of the shop's public review ratings (1 to 5), rounded half-up "
                       "to two decimals; null while there is none"})
    count = fields.Integer(required=True, metadata={"description": "Public reviews rated"})


class VacationSchema(ma.Schema):
    message = fields.String(required=True)
    starts_on = day(required=True)
    ends_on = day(required=True)
    allow_cart = fields.Boolean(required=True)
    active = fields.Boolean(required=True, metadata={"description": "It runs today"})


class ShopSchema(ma.Schema):
    id = fields.String(required=True)
    owner_id = fields.String(required=True)
    name = fields.String(required=True)
    currency = fields.String(required=True)
    about = fields.String(required=True)
    delivery_and_payment = fields.String(required=True)
    logo_url = MediaUrl(required=True, allow_none=True)
    banner_url = MediaUrl(required=True, allow_none=True)
    rules = fields.Nested(RulesSchema, required=True)
    contact_methods = fields.List(fields.String(), required=True)
    labels = fields.List(fields.String(validate=validate.OneOf(SHOP_LABELS)), required=True)
    vacation = fields.Nested(VacationSchema, required=True, allow_none=True)
    status = fields.String(required=True, validate=validate.OneOf(SHOP_STATUSES))
    online_payment = fields.Boolean(required=True)
    created_at = moment(required=True)
    legal = fields.Nested(LegalSchema, required=True, allow_none=True, metadata={
        "description": "The seller's legal form, tax id (INN) and legal name, shown to everyone "
                       "(seed 003); null until the seller gives them"})
    rating = fields.Nested(RatingSchema, required=True)


class VariantSchema(ma.Schema):
    id = fields.String(required=True)
    label = fields.String(required=True)
    price_delta = money(required=True)


class OptionSchema(ma.Schema):
    id = fields.String(required=True)
    name = fields.String(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(OPTION_KINDS))
    required = fields.Boolean(required=True)
    variants = fields.List(fields.Nested(VariantSchema), required=True)


class GlobalOptionSchema(OptionSchema):
    global_ = fields.Boolean(required=True, data_key="global", attribute="global")


class GlobalOptionListSchema(PageSchema):
    items = fields.List(fields.Nested(GlobalOptionSchema), required=True)


class WholesaleSchema(ma.Schema):
    min_quantity = fields.Integer(required=True)
    percent_off = fields.Integer()
    unit_price = money()
    set_price = money()


class StockSchema(ma.Schema):
    mode = fields.String(required=True, validate=validate.OneOf(STOCK_MODES))
    quantity = fields.Integer(required=True, allow_none=True, metadata={
        "description": "Units still available (tracked stock); null otherwise"})
    production_days = fields.Integer(required=True, allow_none=True)
    on_hand = fields.Integer(allow_none=True, metadata={"description": "Owner only"})
    reserved = fields.Integer(allow_none=True, metadata={"description": "Owner only"})


class ShopSummarySchema(ma.Schema):
    id = fields.String(required=True)
    name = fields.String(required=True)
    labels = fields.List(fields.String(validate=validate.OneOf(SHOP_LABELS)), required=True)
    rules = fields.Nested(RulesSchema, required=True)
    delivery_and_payment = fields.String(required=True)
    vacation = fields.Nested(VacationSchema, required=True, allow_none=True,
                             metadata={"description": "A vacation running now"})


class ProductStatsSchema(ma.Schema):
    views = fields.Integer(required=True)
    cart_adds = fields.Integer(required=True)
    sales = fields.Integer(required=True)
    review_count = fields.Integer(required=True)
    rating_sum = fields.Integer(required=True)
    popularity = fields.Float(required=True)


class ProductSchema(ma.Schema):
    id = fields.String(required=True)
    shop_id = fields.String(required=True)
    title = fields.String(required=True)
    description = fields.String(required=True)
    category = fields.String(required=True)
    price = money(required=True, allow_none=True,
                  metadata={"description": "null: offer only (to all but the owner)"})
    sale_mode = fields.String(required=True, validate=validate.OneOf(SALE_MODES))
    discount_percent = fields.Integer(required=True)
    effective_price = money(required=True, allow_none=True,
                            metadata={"description": "The price with the discount"})
    images = fields.List(fields.Nested(ImageSchema), required=True,
                         metadata={"description": "The first is the main one"})
    video_url = fields.String(required=True, allow_none=True)
    stock = fields.Nested(StockSchema, required=True)
    weight_grams = fields.Integer(required=True, allow_none=True)
    free_delivery = fields.Boolean(required=True)
    options = fields.List(fields.Nested(OptionSchema), required=True)
    global_option_ids = fields.List(fields.String(), required=True)
    global_options = fields.List(fields.Nested(GlobalOptionSchema), required=True)
    wholesale = fields.List(fields.Nested(WholesaleSchema), required=True,
                            metadata={"description": WHOLESALE_RULE})
    characteristics = fields.Dict(keys=fields.String(), values=fields.List(fields.String()),
                                  required=True)
    enabled = fields.Boolean(required=True)
    labels = fields.List(fields.String(validate=validate.OneOf(PRODUCT_LABELS)), required=True)
    dispatch_days = fields.Integer(required=True)
    online_payment = fields.Boolean(required=True)
    shop = fields.Nested(ShopSummarySchema, required=True)
    created_at = moment(required=True)
    updated_at = moment(required=True)
    hidden_by_moderation = fields.Boolean(metadata={"description": "Owner only"})
    listed = fields.Boolean(metadata={"description": "Owner only: on the storefront now"})
    stats = fields.Nested(ProductStatsSchema, metadata={"description": "Owner only"})


class ProductCardSchema(ma.Schema):
    id = fields.String(required=True)
    shop_id = fields.String(required=True)
    title = fields.String(required=True)
    category = fields.String(required=True)
    price = money(required=True, allow_none=True)
    effective_price = money(required=True, allow_none=True)
    discount_percent = fields.Integer(required=True)
    sale_mode = fields.String(required=True, validate=validate.OneOf(SALE_MODES))
    thumb_url = MediaUrl(required=True, allow_none=True, metadata={
        "description": "The main image's 400x400 square crop; null without images"})
    free_delivery = fields.Boolean(required=True)
    labels = fields.List(fields.String(validate=validate.OneOf(PRODUCT_LABELS)), required=True)
    created_at = moment(required=True)


class ProductPageSchema(PageSchema):
    items = fields.List(fields.Nested(ProductCardSchema), required=True)
    total_capped = fields.Boolean(metadata={
        "description": "A text search matching more than 1,000 products: total says 1,000"})


class ChosenVariantSchema(ma.Schema):
    id = fields.String(required=True, allow_none=True)
    label = fields.String(required=True)
    price_delta = fields.Integer(required=True, metadata={"description": "Minor units"})


class ChosenOptionSchema(ma.Schema):
    """An option as the buyer chose it, priced by the catalog: in a quote, a cart, an order."""

    option_id = fields.String(required=True)
    name = fields.String(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(OPTION_KINDS))
    variants = fields.List(fields.Nested(ChosenVariantSchema),
                           metadata={"description": "For select, radio and checkbox options"})
    text = fields.String(allow_none=True, metadata={"description": "For text options"})


class AppliedStepSchema(ma.Schema):
    step = fields.String(required=True, validate=validate.OneOf(["variant", "discount",
                                                                 "wholesale"]))
    description = fields.String(required=True)
    option_id = fields.String(allow_none=True)
    option = fields.String()
    variant_id = fields.String(allow_none=True)
    label = fields.String()
    price_delta = fields.Integer(metadata={"description": "Minor units"})
    percent = fields.Integer()
    min_quantity = fields.Integer()
    kind = fields.String(metadata={"description": "percent_off, unit_price or set_price"})
    value = fields.Integer(metadata={"description": "Percent, or minor units"})


class ProductQuoteSchema(ma.Schema):
    quantity = fields.Integer(required=True)
    unit_price = money(required=True)
    total = money(required=True)
    applied = fields.List(fields.Nested(AppliedStepSchema), required=True,
                          metadata={"description": "Variants, then the discount, then the "
                                                   "wholesale tier"})
    options = fields.List(fields.Nested(ChosenOptionSchema), required=True)


class CollectionSchema(ma.Schema):
    id = fields.String(required=True)
    shop_id = fields.String(required=True)
    name = fields.String(required=True)
    product_ids = fields.List(fields.String(), required=True)
    cover = fields.Nested(ImageSchema, required=True, allow_none=True)
    created_at = moment(required=True)


class CollectionListSchema(PageSchema):
    items = fields.List(fields.Nested(CollectionSchema), required=True)
