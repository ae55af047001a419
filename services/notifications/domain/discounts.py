"""What the notice of an abandoned-cart discount says (`cart.discount_offered`: a seller offers a
buyer a discount on a product still in the buyer's cart), in English and Russian by the buyer's
locale (anything else reads English). Marketing, unlike the order notices: `domain.preferences`
decides where it goes. Pure: the event's data in, a title and a body out.
"""

from __future__ import annotations

from typing import Any

from .notices import Text

TEXTS = {
    "en": ("{percent}% off {title} in your cart",
           "The shop offers you {percent}% off {title}, which is still in your cart.{until}"),
    "ru": ("Скидка {percent}% на «{title}» в вашей корзине",
           "Магазин предлагает вам скидку {percent}% на «{title}» — товар всё ещё в вашей "
           "корзине.{until}"),
}
UNTIL = {"en": " The offer stands until {moment}.", "ru": " Предложение действует до {moment}."}


def discount_offered(data: dict[str, Any], locale: str = "en") -> Text:
    locale = locale if locale in TEXTS else "en"
    title, body = TEXTS[locale]
    expires = data.get("expires_at")
    until = "" if expires is None else UNTIL[locale].format(moment=_moment(expires))
    values = {"percent": int(data["percent_off"]), "title": data["product_title"], "until": until}
    return Text(title.format(**values), body.format(**values))


def _moment(value: Any) -> str:
    if hasattr(value, "strftime"):
        return value.strftime("%Y-%m-%d %H:%M UTC")
    return str(value)[:16].replace("T", " ") + " UTC"
