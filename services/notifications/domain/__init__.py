"""The notifications service's pure rules: what each notice says (`notices`, `templates`), who hears
what by which channel (`audience`), when a failed delivery is tried again (`retry`), and what a user
chose to receive (`preferences`)."""

from .notices import (
    CARRIER_NAMES,
    CURRENCY_SIGNS,
    DELIVERY_COST,
    Receipt,
    Text,
    amount_changed,
    balance_requested,
    debt_overdue,
    excerpt_of,
    message_posted,
    money,
    payment_receipt,
    payment_received,
    photo_label,
    sanction_lifted,
    sanctioned,
    shipped,
    shipping_overdue_to_admins,
    shipping_overdue_to_seller,
    short,
    unshipped_at_close_to_admins,
    verified,
    warned,
)

__all__ = [
    "CARRIER_NAMES", "CURRENCY_SIGNS", "DELIVERY_COST", "Receipt", "Text", "amount_changed",
    "balance_requested", "debt_overdue", "excerpt_of", "message_posted", "money",
    "payment_receipt", "payment_received", "photo_label", "sanction_lifted", "sanctioned", "shipped",
    "shipping_overdue_to_admins", "shipping_overdue_to_seller", "short",
    "unshipped_at_close_to_admins", "verified", "warned",
]
