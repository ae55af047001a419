"""The rules a product must keep beyond its field types (seed 003, "Товары").

`validate_product_draft` checks a whole draft at once and names every broken field; a PATCH is
checked by merging the change into the stored product and validating the result, so rules that
span fields (a wholesale unit price below the price) hold after every change.

Decisions where the seed is silent:
- Titles: refused when a word of five or more letters is in capitals ("Кукла ТИЛЬДА"), or when
  the whole title is ("ЁЛКА", "SALE"); abbreviations of up to four letters and Roman numerals
  pass in ordinary text ("LED ночник", "Брошь СССР", "Картина XVIII века").
- `discount_percent` is 0..99: a 100 % discount would give the product away; a free item (a free
  digital file) is listed with price 0 instead.
- Wholesale: at most 10 tiers, `min_quantity` ≥ 2 and strictly increasing; a fixed tier must cost
  less per unit than the price; no tier may cost more per unit than the tier before it, nor make
  its quantity cheaper in total than one unit fewer (2 at 60 % off = 0.8 of one unit's price),
  both judged on what a buyer pays with the product's discount (pricing.tier_share): a line's
  total never falls when the quantity grows.
- Stock: a field that does not belong to the mode is refused, not silently dropped.
- A `text` option has no variants; every other kind has 1..50 variants with distinct labels.
- Images: what the gateway resolved from the seller's uploads, `{id, url, page_url, thumb_url,
  width, height}` (URLs as paths under the platform's media base), kept in the order given, the
  first the main one; at most 20, each once. A product saved before uploads existed may hold plain
  links: `image_entry` reads them as images without an upload id.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import urlsplit

from services.catalog.domain.categories import (
    UNKNOWN_CATEGORY_MESSAGE,
    find_category,
    validate_characteristics,
)
from services.catalog.domain.errors import (
    CharacteristicsInvalid,
    ErrorCollector,
    OptionInvalid,
    PriceOnRequest,
    ProductInvalid,
)
from services.catalog.domain.model import (
    Option,
    OptionKind,
    SaleMode,
    Stock,
    StockMode,
    Variant,
    WholesaleTier,
)
from services.catalog.domain.pricing import tier_share
from services.catalog.domain.video import canonical_video_url

_WORDS = re.compile(r"[^\W\d_]+")
_ROMAN = re.compile(r"^[IVXLCDM]+$")

MAX_TITLE_LENGTH = 150
MAX_DESCRIPTION_LENGTH = 20_000
MIN_CAPITALS_FOR_ALL_CAPS = 4
SHOUTED_WORD_LENGTH = 5
MAX_IMAGES = 20
MAX_OPTIONS = 20
MAX_VARIANTS = 50
MAX_LABEL_LENGTH = 100
MAX_TIERS = 10
MAX_PRODUCTION_DAYS = 365
MAX_WEIGHT_GRAMS = 1_000_000


@dataclass(frozen=True, slots=True)
class ProductDraft:
    """A product body after its field types were checked (the service's schema does that)."""

    title: str
    category: str
    price: int
    stock: Stock
    description: str = ""
    sale_mode: SaleMode = SaleMode.BUY_NOW
    discount_percent: int = 0
    images: tuple[Mapping[str, Any], ...] = ()
    weight_grams: int | None = None
    free_delivery: bool = False
    options: tuple[Option, ...] = ()
    wholesale: tuple[WholesaleTier, ...] = ()
    global_option_ids: tuple[str, ...] = ()
    characteristics: Mapping[str, Any] = field(default_factory=dict)
    video_url: str | None = None
    enabled: bool = True

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ProductDraft:
        sale_mode = data.get("sale_mode") or SaleMode.BUY_NOW.value
        return cls(
            title=data.get("title", ""),
            category=str(data.get("category", "")),
            price=data.get("price", 0),
            stock=Stock.from_dict(data.get("stock") or {}),
            description=data.get("description") or "",
            sale_mode=SaleMode(sale_mode) if sale_mode in _SALE_MODES else sale_mode,
            discount_percent=data.get("discount_percent") or 0,
            images=tuple(image_entry(image) for image in data.get("images") or ()),
            weight_grams=data.get("weight_grams"),
            free_delivery=bool(data.get("free_delivery", False)),
            options=tuple(Option.from_dict(o) for o in data.get("options") or ()),
            wholesale=tuple(WholesaleTier.from_dict(t) for t in data.get("wholesale") or ()),
            global_option_ids=tuple(str(i) for i in data.get("global_option_ids") or ()),
            characteristics=dict(data.get("characteristics") or {}),
            video_url=data.get("video_url") or None,
            enabled=bool(data.get("enabled", True)),
        )


_SALE_MODES = {mode.value for mode in SaleMode}


def validate_product_draft(draft: ProductDraft) -> ProductDraft:
    """Check every rule; return the draft cleaned, or raise ProductInvalid naming each field.

    Cleaned: title and description trimmed, `category` the canonical slug, characteristics
    trimmed and without repeats, `video_url` in the canonical https://www.youtube.com/watch?v= form.
    """
    errors = ErrorCollector()
    title = _check_title(draft.title, errors)
    description = (draft.description or "").strip()
    if len(description) > MAX_DESCRIPTION_LENGTH:
        errors.add("description", f"At most {MAX_DESCRIPTION_LENGTH} characters.")
    _check_price_and_discount(draft, errors)
    _check_images(draft.images, errors)
    errors.merge(stock_errors(draft.stock), "stock.")
    _check_weight(draft.weight_grams, errors)
    _check_options(draft.options, errors)
    if len(set(draft.global_option_ids)) != len(draft.global_option_ids):
        errors.add("global_option_ids", "Each global option can be attached once.")
    discount = draft.discount_percent if _is_int(draft.discount_percent) else 0
    errors.merge(wholesale_errors(draft.wholesale, draft.price, discount))
    category, characteristics = _check_category(draft, errors)
    video = _check_video(draft.video_url, errors)
    errors.raise_if_any(ProductInvalid, "The product breaks the catalog's rules.")
    return replace(
        draft,
        title=title,
        description=description,
        category=category,
        characteristics=characteristics,
        video_url=video,
    )


# Title --------------------------------------------------------------------------------------------


def is_shouting(title: str) -> bool:
    """Seed 003: "НЕ НАЗЫВАЙТЕ ТОВАРЫ ЗАГЛАВНЫМИ БУКВАМИ" (Yandex drops such titles from ads).

    Yandex's own rule is "no words in capitals, except abbreviations", so a title shouts when a
    word of five or more letters is in capitals ("Кукла ТИЛЬДА"), or when every word is in capitals
    and they hold at least four letters ("ЁЛКА", "SALE"). Abbreviations of up to four letters and
    Roman numerals pass in ordinary text ("LED ночник", "Брошь СССР", "Картина XVIII века").
    Works for any alphabet with case (Latin, Cyrillic, Greek, ...); one-letter words, digits and
    signs do not count.
    """
    words = [w for w in _WORDS.findall(title) if len(w) >= 2 and w.upper() != w.lower()]
    capitals = [w for w in words if w.isupper()]
    if any(len(w) >= SHOUTED_WORD_LENGTH and not _ROMAN.match(w) for w in capitals):
        return True
    all_capitals = bool(words) and len(capitals) == len(words)
    return all_capitals and sum(map(len, capitals)) >= MIN_CAPITALS_FOR_ALL_CAPS


def _check_title(raw: str, errors: ErrorCollector) -> str:
    title = " ".join((raw or "").split())
    if not title:
        errors.add("title", "Give the product a title.")
    elif len(title) > MAX_TITLE_LENGTH:
        errors.add("title", f"At most {MAX_TITLE_LENGTH} characters.")
    elif is_shouting(title):
        errors.add(
            "title",
            "Do not write the title in capitals: use capitals only where the language needs them "
            "(titles in capitals are left out of search advertising).",
        )
    return title


# Price, discount, images, weight ----------------------------------------------------------------


def _check_price_and_discount(draft: ProductDraft, errors: ErrorCollector) -> None:
    if not _is_int(draft.price) or draft.price < 0:
        errors.add("price", "Give the price as a whole number of minor units, 0 or more.")
    if not _is_int(draft.discount_percent) or not 0 <= draft.discount_percent <= 99:
        errors.add("discount_percent", "A discount is a whole percent from 0 to 99.")
    if not isinstance(draft.sale_mode, SaleMode):
        errors.add("sale_mode", "One of buy_now, buy_now_or_offer, offer_only.")


IMAGE_URLS = ("url", "page_url", "thumb_url")


def image_entry(value: Any) -> dict[str, Any]:
    """A stored or given image as `{id, url, page_url, thumb_url, width, height}`; a plain link
    (kept from before uploads existed) is an image without an upload id in every size."""
    if isinstance(value, str):
        return {"id": None, "url": value, "page_url": value, "thumb_url": value,
                "width": None, "height": None}
    value = dict(value)
    return {"id": value.get("id"), **{key: value.get(key) for key in IMAGE_URLS},
            "width": value.get("width"), "height": value.get("height")}


def _check_images(images: tuple[Mapping[str, Any], ...], errors: ErrorCollector) -> None:
    if len(images) > MAX_IMAGES:
        errors.add("images", f"At most {MAX_IMAGES} images.")
    for index, image in enumerate(images):
        if not all(_is_image_url(image.get(key)) for key in IMAGE_URLS):
            errors.add(f"images.{index}", "Give an image uploaded to the platform.")
    keys = [image.get("id") or image.get("url") for image in images]
    if len(set(keys)) != len(keys):
        errors.add("images", "The same image is listed twice.")


def _check_weight(weight: int | None, errors: ErrorCollector) -> None:
    if weight is not None and (not _is_int(weight) or not 0 <= weight <= MAX_WEIGHT_GRAMS):
        errors.add("weight_grams", f"Give the weight in grams, 0 to {MAX_WEIGHT_GRAMS}.")


# Stock --------------------------------------------------------------------------------------------


def stock_errors(stock: Stock) -> dict[str, str]:
    """Seed 003: tracked needs a quantity, made to order production days, untracked neither."""
    errors: dict[str, str] = {}
    if not isinstance(stock.mode, StockMode):
        return {"mode": "One of tracked, made_to_order, untracked."}
    if stock.mode is StockMode.TRACKED:
        if not _is_int(stock.quantity) or stock.quantity < 0:
            errors["quantity"] = "Tracked stock needs the quantity on hand, 0 or more."
    elif stock.quantity is not None:
        errors["quantity"] = "Only tracked stock has a quantity."
    if stock.mode is StockMode.MADE_TO_ORDER:
        days = stock.production_days
        if not _is_int(days) or not 1 <= days <= MAX_PRODUCTION_DAYS:
            errors["production_days"] = (
                f"Made to order needs the production time in days, 1 to {MAX_PRODUCTION_DAYS}."
            )
    elif stock.production_days is not None:
        errors["production_days"] = "Only made-to-order products have production days."
    return errors


def dispatch_days(stock: Stock) -> int:
    """Days to dispatch: 1 when in stock (tracked, untracked), else the production days."""
    if stock.mode is StockMode.MADE_TO_ORDER and stock.production_days:
        return stock.production_days
    return 1


# Options ------------------------------------------------------------------------------------------


def option_errors(option: Option) -> dict[str, str]:
    """The rules of one option (a product's or a shop's global option), by field."""
    errors: dict[str, str] = {}
    name = (option.name or "").strip()
    if not name or len(name) > MAX_LABEL_LENGTH:
        errors["name"] = f"Give the option a name of 1 to {MAX_LABEL_LENGTH} characters."
    if not isinstance(option.kind, OptionKind):
        errors["kind"] = "One of select, checkbox, radio, text."
        return errors
    if not option.kind.has_variants:
        if option.variants:
            errors["variants"] = "A text option has no variants: the buyer writes the text."
        return errors
    if not 1 <= len(option.variants) <= MAX_VARIANTS:
        errors["variants"] = f"Give 1 to {MAX_VARIANTS} variants."
    seen: set[str] = set()
    for index, variant in enumerate(option.variants):
        errors.update({f"variants.{index}.{k}": m for k, m in _variant_errors(variant).items()})
        label = (variant.label or "").strip().casefold()
        if label and label in seen:
            errors.setdefault(f"variants.{index}.label", "Two variants have this label.")
        seen.add(label)
    return errors


def _variant_errors(variant: Variant) -> dict[str, str]:
    errors = {}
    label = (variant.label or "").strip()
    if not label or len(label) > MAX_LABEL_LENGTH:
        errors["label"] = f"Give the variant a label of 1 to {MAX_LABEL_LENGTH} characters."
    if not _is_int(variant.price_delta) or variant.price_delta < 0:
        errors["price_delta"] = "The price difference is a whole number of minor units, 0 or more."
    return errors


def validate_option(option: Option) -> Option:
    """A shop's global option on its own (POST /shops/{id}/options); raises OptionInvalid."""
    errors = option_errors(option)
    if errors:
        raise OptionInvalid("The option breaks the catalog's rules.", errors=errors)
    return option


def _check_options(options: tuple[Option, ...], errors: ErrorCollector) -> None:
    if len(options) > MAX_OPTIONS:
        errors.add("options", f"At most {MAX_OPTIONS} options.")
    names: set[str] = set()
    for index, option in enumerate(options):
        errors.merge(option_errors(option), f"options.{index}.")
        name = (option.name or "").strip().casefold()
        if name and name in names:
            errors.add(f"options.{index}.name", "Two options have this name.")
        names.add(name)


# Wholesale ----------------------------------------------------------------------------------------


def wholesale_errors(tiers: tuple[WholesaleTier, ...], price: int,
                     discount_percent: int = 0) -> dict[str, str]:
    """Tiers by quantity (seed 003): from 2 units, increasing, none dearer per unit than before
    (the product's discount included, as pricing applies it)."""
    errors: dict[str, str] = {}
    if len(tiers) > MAX_TIERS:
        errors["wholesale"] = f"At most {MAX_TIERS} wholesale tiers."
    previous: WholesaleTier | None = None
    for index, tier in enumerate(tiers):
        path = f"wholesale.{index}"
        tier_errors = _tier_errors(tier, price)
        errors.update({(f"{path}.{k}" if k else path): m for k, m in tier_errors.items()})
        if tier_errors:
            continue
        share = tier_share(tier, price, discount_percent)
        before = tier_share(previous, price, discount_percent)
        if previous is not None and tier.min_quantity <= previous.min_quantity:
            errors[f"{path}.min_quantity"] = "Tiers go by increasing min_quantity."
        elif share > before:
            errors[path] = "A larger quantity must not cost more per unit than a smaller one."
        elif tier.min_quantity * share < (tier.min_quantity - 1) * before:
            # refused so that every line's total grows with the quantity, whatever the options
            errors[path] = (
                f"{tier.min_quantity} units would cost less in total than {tier.min_quantity - 1}:"
                " a larger order must not cost less."
            )
        previous = tier
    return errors


def _tier_errors(tier: WholesaleTier, price: int) -> dict[str, str]:
    """Errors of one tier by field; the key "" is the tier as a whole."""
    errors = {}
    if not _is_int(tier.min_quantity) or tier.min_quantity < 2:
        errors["min_quantity"] = "A wholesale tier starts from 2 units or more."
    given = [n for n in ("percent_off", "unit_price", "set_price") if getattr(tier, n) is not None]
    if len(given) != 1:
        errors[""] = "Give exactly one of percent_off, unit_price, set_price."
        return errors
    kind, value = given[0], getattr(tier, given[0])
    ceiling = price if kind == "unit_price" else price * (tier.min_quantity or 0)
    if kind == "percent_off" and (not _is_int(value) or not 1 <= value <= 99):
        errors[kind] = "A wholesale percentage is a whole number from 1 to 99."
    elif kind == "unit_price" and not _valid_below(value, ceiling):
        errors[kind] = "The wholesale unit price must be above 0 and below the product's price."
    elif kind == "set_price" and "min_quantity" not in errors and not _valid_below(value, ceiling):
        errors[kind] = "The set price must be above 0 and below min_quantity × the price."
    return errors


# Category and video -------------------------------------------------------------------------------


def _check_category(draft: ProductDraft, errors: ErrorCollector) -> tuple[str, dict]:
    category = find_category(draft.category)
    if category is None:
        errors.add("category", UNKNOWN_CATEGORY_MESSAGE)
        return draft.category, dict(draft.characteristics)
    try:
        characteristics = validate_characteristics(category, draft.characteristics)
    except CharacteristicsInvalid as refused:
        errors.merge(refused.errors)
        characteristics = dict(draft.characteristics)
    return category.slug, characteristics


def _check_video(url: str | None, errors: ErrorCollector) -> str | None:
    if not url:
        return None
    canonical = canonical_video_url(url)
    if canonical is None:
        errors.add(
            "video_url",
            "Only YouTube videos: a youtube.com/watch?v=, youtu.be/ or youtube.com/shorts/ link.",
        )
    return canonical or url


# Sale mode ----------------------------------------------------------------------------------------


def ensure_public_price(sale_mode: SaleMode) -> None:
    """`offer_only` shows no public price: it cannot be quoted or put in the cart, only offered."""
    if not SaleMode(sale_mode).has_public_price:
        raise PriceOnRequest("This product is sold only through an offer to the seller.")


def _valid_below(value: Any, ceiling: int) -> bool:
    return _is_int(value) and 0 < value < ceiling


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_web_url(url: Any) -> bool:
    if not isinstance(url, str):
        return False
    parts = urlsplit(url.strip())
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def _is_image_url(url: Any) -> bool:
    """A path under the platform's media base, or a link kept from before uploads existed."""
    if isinstance(url, str) and url.startswith("/media/"):  # the common case, checked first
        return _SPACE.search(url) is None
    return _is_web_url(url)


_SPACE = re.compile(r"\s")
