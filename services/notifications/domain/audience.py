"""Who hears of an order's news, and by which channels (seed 003: the seller, the buyer and the
admins are notified of every action).

For every change of an order's status:
- in the app: the buyer (a registered one: a guest has no account to show it in), the seller, and
  every admin (one notice addressed to them all);
- by e-mail: the buyer (a guest at the e-mail given at checkout), and each of the shop's order
  addresses once (the owner's own address unless the owner set others);
- by SMS and Telegram: the seller, at the phone and chat the shop's settings name, when set.
One message per address and channel: an address named twice (the buyer's also a shop address)
gets the first role's message only.
"""

from __future__ import annotations

from dataclasses import dataclass

IN_APP, EMAIL, SMS, TELEGRAM = "in_app", "email", "sms", "telegram"
BUYER, SELLER, ADMIN = "buyer", "seller", "admin"


@dataclass(frozen=True, slots=True)
class Person:
    user_id: str | None
    email: str | None = None
    phone: str | None = None
    name: str | None = None
    locale: str = "en"


@dataclass(frozen=True, slots=True)
class ShopChannels:
    order_emails: tuple[str, ...] = ()
    sms_phone: str | None = None
    telegram_chat_id: str | None = None


@dataclass(frozen=True, slots=True)
class Send:
    channel: str
    role: str
    recipient_id: str | None  # the user, when there is one (None: every admin, or a bare address)
    address: str | None       # e-mail, phone or chat id; None in the app
    locale: str


def shop_channels(order_emails: list[str] | None, sms_phone: str | None,
                  telegram_chat_id: str | None, owner: Person | None) -> ShopChannels:
    """A shop's settings with the default filled in: no addresses set means the owner's own."""
    if order_emails is None:
        order_emails = [owner.email] if owner is not None and owner.email else []
    return ShopChannels(tuple(order_emails), sms_phone, telegram_chat_id)


def order_news(buyer: Person | None, seller: Person | None, shop: ShopChannels) -> list[Send]:
    """Every message one change of an order's status makes (see the module's rules)."""
    sends: list[Send] = []
    seller_locale = seller.locale if seller is not None else "en"
    if buyer is not None and buyer.user_id:
        sends.append(Send(IN_APP, BUYER, buyer.user_id, None, buyer.locale))
    if seller is not None and seller.user_id:
        sends.append(Send(IN_APP, SELLER, seller.user_id, None, seller.locale))
    sends.append(Send(IN_APP, ADMIN, None, None, "en"))
    if buyer is not None and buyer.email:
        sends.append(Send(EMAIL, BUYER, buyer.user_id, buyer.email, buyer.locale))
    seller_id = seller.user_id if seller is not None else None
    for address in shop.order_emails:
        sends.append(Send(EMAIL, SELLER, seller_id, address, seller_locale))
    if shop.sms_phone:
        sends.append(Send(SMS, SELLER, seller_id, shop.sms_phone, seller_locale))
    if shop.telegram_chat_id:
        sends.append(Send(TELEGRAM, SELLER, seller_id, shop.telegram_chat_id, seller_locale))
    return once_per_address(sends)


def to_buyer(buyer: Person | None) -> list[Send]:
    """News for the buyer alone (a shipment, a changed total): in the app and by e-mail."""
    if buyer is None:
        return []
    sends = []
    if buyer.user_id:
        sends.append(Send(IN_APP, BUYER, buyer.user_id, None, buyer.locale))
    if buyer.email:
        sends.append(Send(EMAIL, BUYER, buyer.user_id, buyer.email, buyer.locale))
    return sends


def to_owner(owner: Person | None) -> list[Send]:
    """News for a shop's owner about the shop itself (a sanction, a debt): in the app and by
    e-mail."""
    if owner is None or owner.user_id is None:
        return []
    sends = [Send(IN_APP, SELLER, owner.user_id, None, owner.locale)]
    if owner.email:
        sends.append(Send(EMAIL, SELLER, owner.user_id, owner.email, owner.locale))
    return sends


def to_seller(seller: Person | None, shop: ShopChannels) -> list[Send]:
    """News for the seller of an order alone (a message from the buyer): in the app and by
    e-mail to each of the shop's order addresses."""
    seller_id = seller.user_id if seller is not None else None
    locale = seller.locale if seller is not None else "en"
    sends = [Send(IN_APP, SELLER, seller_id, None, locale)] if seller_id else []
    sends += [Send(EMAIL, SELLER, seller_id, address, locale) for address in shop.order_emails]
    return once_per_address(sends)


def once_per_address(sends: list[Send]) -> list[Send]:
    seen: set[tuple[str, str]] = set()
    kept = []
    for send in sends:
        if send.address is not None:
            key = (send.channel, send.address.strip().lower())
            if key in seen:
                continue
            seen.add(key)
        kept.append(send)
    return kept
