"""Shop rules (seed 003, "Магазин"): profile images, contact methods, shop rules, vacation, and what
a shop's status means for who sees its products and who can buy them.

Statuses (API.md; set by moderation's sanctions, seed 003 "Санкции к продавцам"):
- `active`: everything the seller enabled is on the storefront and can be bought;
- `products_hidden`: the shop page stays, its products are off the storefront and out of search,
  not reachable by link, not buyable (unprocessed orders, unanswered messages); the seller still
  manages them while fixing the cause;
- `blocked`: the storefront is not visible on the site until the debt is paid; the seller's
  cabinet is blocked too, so products cannot be changed;
- `banned`: for good (confirmed fraud, three warnings); nothing shows, nothing can be changed.
The owner always sees their own shop and products, so they can tell what a sanction hides.
When several sanctions are in force the most severe one gives the status.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from services.catalog.domain.errors import NotForSale, PriceOnRequest, ShopInvalid
from services.catalog.domain.model import ImageSize, SaleMode

BANNER_MIN_WIDTH = 1400
LOGO_MIN_SIDE = 200
MIN_CONTACT_METHODS = 2
DEFAULT_CONFIRM_DAYS = 3  # seed 003: three working days for the buyer to confirm or pay
MAX_CONFIRM_DAYS = 30
MAX_NAME_LENGTH = 100
MAX_TEXT_LENGTH = 10_000
MAX_VACATION_MESSAGE = 1_000
_CURRENCY = re.compile(r"^[A-Z]{3}$")


class ShopStatus(StrEnum):
    ACTIVE = "active"
    PRODUCTS_HIDDEN = "products_hidden"
    BLOCKED = "blocked"
    BANNED = "banned"


class ContactMethod(StrEnum):
    """The ways a buyer may ask to be contacted (seed 003, "Какой удобный способ связи...")."""

    EMAIL = "email"
    SITE_CHAT = "site_chat"
    WHATSAPP_VIBER = "whatsapp_viber"
    SMS = "sms"
    PHONE_CALL = "phone_call"


class LegalForm(StrEnum):
    SELF_EMPLOYED = "self_employed"
    SOLE_TRADER = "sole_trader"
    COMPANY = "company"


# Sanction kinds (the `shop.sanctioned` event) and the status each one gives, mildest first.
_SEVERITY = (ShopStatus.ACTIVE, ShopStatus.PRODUCTS_HIDDEN, ShopStatus.BLOCKED, ShopStatus.BANNED)
SANCTION_STATUS = {
    "products_hidden": ShopStatus.PRODUCTS_HIDDEN,
    "storefront_blocked": ShopStatus.BLOCKED,
    "banned": ShopStatus.BANNED,
}


# Profile ----------------------------------------------------------------------------------------


def image_errors(banner: ImageSize | None = None, logo: ImageSize | None = None) -> dict[str, str]:
    """Seed 003: a banner at least 1400 px wide; a square logo of 200 × 200 px.

    Checked only when the sizes are known. A larger square logo is accepted (it scales down
    without loss); a smaller or non-square one is refused.
    """
    errors = {}
    if banner is not None and banner.width < BANNER_MIN_WIDTH:
        errors["banner_url"] = f"The banner must be at least {BANNER_MIN_WIDTH} px wide."
    if logo is not None and (logo.width != logo.height or logo.width < LOGO_MIN_SIDE):
        errors["logo_url"] = f"The logo must be square, {LOGO_MIN_SIDE} × {LOGO_MIN_SIDE} px."
    return errors


def contact_methods(methods: Sequence[str] | None) -> tuple[ContactMethod, ...]:
    """The methods a buyer may choose at checkout; raises ShopInvalid.

    Seed 003: by default every method is offered; a shop that restricts them keeps at least two
    (a main one and a reserve, which guest orders need). None or an empty list means all.
    """
    if not methods:
        return tuple(ContactMethod)
    known = {m.value for m in ContactMethod}
    unknown = [m for m in methods if m not in known]
    if unknown:
        message = f"Unknown: {', '.join(map(str, unknown))}; known: {', '.join(sorted(known))}."
    elif len(set(methods)) != len(methods):
        message = "Each contact method is listed once."
    elif len(methods) < MIN_CONTACT_METHODS:
        message = "Offer at least two contact methods: a main one and a reserve."
    else:
        return tuple(ContactMethod(m) for m in methods)
    raise ShopInvalid("The contact methods break a rule.", errors={"contact_methods": message})


@dataclass(frozen=True, slots=True)
class ShopRules:
    """The shop's rules, shown on every product; the buyer accepts them at checkout."""

    confirm_days: int = DEFAULT_CONFIRM_DAYS
    prepayment_percent: int = 0
    returns: str = ""
    shipping_terms: str = ""
    non_returnable: str = ""
    other: str = ""

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> ShopRules:
        data = data or {}
        texts = {k: data.get(k) or "" for k in ("returns", "shipping_terms", "non_returnable")}
        return cls(
            confirm_days=data.get("confirm_days", DEFAULT_CONFIRM_DAYS),
            prepayment_percent=data.get("prepayment_percent", 0),
            other=data.get("other") or "",
            **texts,
        )


def rules_errors(rules: ShopRules) -> dict[str, str]:
    errors = {}
    if not _is_int(rules.confirm_days) or not 1 <= rules.confirm_days <= MAX_CONFIRM_DAYS:
        errors["rules.confirm_days"] = f"Give 1 to {MAX_CONFIRM_DAYS} days."
    if not _is_int(rules.prepayment_percent) or not 0 <= rules.prepayment_percent <= 100:
        errors["rules.prepayment_percent"] = "A whole percent from 0 to 100."
    for name in ("returns", "shipping_terms", "non_returnable", "other"):
        if len(getattr(rules, name)) > MAX_TEXT_LENGTH:
            errors[f"rules.{name}"] = f"At most {MAX_TEXT_LENGTH} characters."
    return errors


def validate_shop_profile(
    name: str,
    currency: str,
    rules: ShopRules | None = None,
    contact_methods_given: Sequence[str] | None = None,
    banner: ImageSize | None = None,
    logo: ImageSize | None = None,
) -> None:
    """Every profile rule at once; raises ShopInvalid naming each broken field."""
    errors: dict[str, str] = {}
    if not (name or "").strip() or len(name.strip()) > MAX_NAME_LENGTH:
        errors["name"] = f"Give the shop a name of 1 to {MAX_NAME_LENGTH} characters."
    if not isinstance(currency, str) or not _CURRENCY.match(currency):
        errors["currency"] = "An ISO 4217 code in capitals, e.g. RUB."
    errors.update(rules_errors(rules or ShopRules()))
    errors.update(image_errors(banner, logo))
    try:
        contact_methods(contact_methods_given)
    except ShopInvalid as refused:
        errors.update(refused.errors)
    if errors:
        raise ShopInvalid("The shop breaks a rule.", errors=errors)


# Vacation ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Vacation:
    """Seed 003, "Как уйти в отпуск?": a notice over the shop and every product, the dates, and
    whether buyers may still add the products to their carts. Products stay on the storefront."""

    message: str
    starts_on: date
    ends_on: date
    allow_cart: bool = False

    def active_on(self, today: date) -> bool:
        return self.starts_on <= today <= self.ends_on


def validate_vacation(vacation: Vacation, today: date) -> Vacation:
    """Dates in order (a one-day vacation starts and ends on the same day) and not all past."""
    errors = {}
    if vacation.ends_on < vacation.starts_on:
        errors["ends_on"] = "The vacation cannot end before it starts."
    elif vacation.ends_on < today:
        errors["ends_on"] = "The vacation is already over."
    if len(vacation.message or "") > MAX_VACATION_MESSAGE:
        errors["message"] = f"At most {MAX_VACATION_MESSAGE} characters."
    if errors:
        raise ShopInvalid("The vacation breaks a rule.", errors=errors)
    return vacation


def vacation_notice(vacation: Vacation | None, today: date) -> str | None:
    """The message shown over the shop and its products while the vacation runs."""
    if vacation is None or not vacation.active_on(today):
        return None
    return vacation.message


# Status, visibility, buying ---------------------------------------------------------------------


def status_from_sanctions(kinds: Iterable[str]) -> ShopStatus:
    """The shop's status from the sanctions in force: the most severe wins; none → active."""
    statuses = [SANCTION_STATUS[k] for k in kinds if k in SANCTION_STATUS]
    return max(statuses, key=_SEVERITY.index, default=ShopStatus.ACTIVE)


def shop_visible(status: ShopStatus, viewer_is_owner: bool) -> bool:
    """The shop page: blocked and banned shops are seen by their owner only."""
    return viewer_is_owner or ShopStatus(status) in (ShopStatus.ACTIVE, ShopStatus.PRODUCTS_HIDDEN)


def product_visible(
    shop_status: ShopStatus,
    product_enabled: bool,
    product_hidden_by_moderation: bool,
    viewer_is_owner: bool,
) -> bool:
    """Whether a product shows (page, listing, direct link); otherwise the API answers 404.

    Seed 003: a disabled product cannot be seen, bought or reached by link; hidden products are
    not on the site and not found by search. The owner always sees their own.
    """
    if viewer_is_owner:
        return True
    return (
        ShopStatus(shop_status) is ShopStatus.ACTIVE
        and product_enabled
        and not product_hidden_by_moderation
    )


def can_manage_products(shop_status: ShopStatus) -> bool:
    """Blocked and banned shops cannot change their products; a hidden one fixes the cause."""
    return ShopStatus(shop_status) in (ShopStatus.ACTIVE, ShopStatus.PRODUCTS_HIDDEN)


def cart_refusal(
    shop_status: ShopStatus,
    product_enabled: bool,
    product_hidden_by_moderation: bool,
    vacation: Vacation | None,
    today: date,
    sale_mode: SaleMode = SaleMode.BUY_NOW,
) -> str | None:
    """Why the product cannot go into a cart now (a stable code), or None when it can.

    Stock is checked separately (stock.py): adding checks it, checkout takes it.
    """
    if not product_visible(shop_status, product_enabled, product_hidden_by_moderation, False):
        return "not_available"
    if not SaleMode(sale_mode).has_public_price:
        return "offer_only"
    if vacation is not None and vacation.active_on(today) and not vacation.allow_cart:
        return "shop_on_vacation"
    return None


def ensure_can_add_to_cart(reason: str | None, vacation: Vacation | None = None) -> None:
    """Raise a Conflict (409) with the code `cart_refusal` gave when the product cannot go into a
    cart (the shop's `vacation` message tells why it is closed)."""
    if reason == "offer_only":
        raise PriceOnRequest("This product is sold only through an offer to the seller.")
    if reason == "shop_on_vacation":
        message = vacation.message if vacation else ""
        raise NotForSale(f"The shop is on vacation: {message}".rstrip(": "), code=reason)
    if reason is not None:
        raise NotForSale("This product cannot be bought now.", code=reason)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)
