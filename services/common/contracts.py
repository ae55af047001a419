"""The product's event contracts: one marshmallow schema per event type's `data`.

This module is the one place contracts live. Events carry ids and the facts a consumer needs, never
secrets, and personal data only where a consumer must act on it.
"""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from .events import register
from .fields import MoneySchema, StrictInteger
from .vocabulary import ACTOR_ROLES, ORDER_STATUSES


def _money(**kw):
    return fields.Nested(MoneySchema, **kw)


class _Data(Schema):
    pass


# Orders -----------------------------------------------------------------------------------------
class OrderRef(_Data):
    order_id = fields.UUID(required=True)
    shop_id = fields.UUID(required=True)
    buyer_id = fields.UUID(required=True, allow_none=True)  # None for a guest order
    # The shop's owner, so consumers can check who acts on the order without asking the catalog:
    # always on `order.placed` and `order.confirmed`.
    seller_id = fields.UUID(load_default=None, allow_none=True)


class OrderTransition(OrderRef):
    by = fields.String(load_default="system", validate=validate.OneOf(ACTOR_ROLES))
    actor_id = fields.UUID(load_default=None, allow_none=True)


def _optional_text(**kw):
    return fields.String(load_default=None, allow_none=True, **kw)


class ChosenOption(_Data):
    """An option as the invoice shows it: its name and the variant (or text) chosen."""

    name = fields.String(required=True)
    value = fields.String(required=True)


class OrderLine(_Data):
    product_id = fields.UUID(required=True)
    quantity = StrictInteger(required=True, validate=validate.Range(min=1))
    unit_price = _money(required=True)
    # For the invoice (seed 003), optional: the product's title and the options chosen.
    title = _optional_text()
    options = fields.List(fields.Nested(ChosenOption), load_default=None, allow_none=True)


class OrderPlaced(OrderRef):
    seller_id = fields.UUID(required=True)
    lines = fields.List(fields.Nested(OrderLine), required=True, validate=validate.Length(min=1))
    grand_total = _money(required=True)
    source = fields.Dict(load_default=None, allow_none=True)
    # What the invoice and the order e-mails need (seed 003), all optional: the buyer's contacts
    # (`buyer_email` for a guest; a registered buyer's comes from `user.registered`), the full
    # address (the checkout's `shipping_address` object), the delivery method's name,
    # the contact method chosen, the buyer's comment, and a guest's order-link token (`access`
    # of `GET /api/v1/orders/{id}`), without which a guest's e-mail carries no link.
    buyer_name = _optional_text()
    buyer_phone = _optional_text()
    buyer_email = _optional_text()
    shipping_address = fields.Dict(load_default=None, allow_none=True)
    delivery_method = _optional_text()
    contact_method = _optional_text()
    comment = _optional_text()
    access_token = _optional_text()
    # The delivery's cost (None: the seller will quote it), for the invoice and for payments (a
    # self-employed shop's receipt counts it as a position); the shop's prepayment percent at
    # checkout (an advance). Absent: payments works them out.
    delivery = _money(load_default=None, allow_none=True)
    prepayment_percent = StrictInteger(load_default=None, allow_none=True,
                                       validate=validate.Range(min=0, max=100))
    # Optional, for the seller ledger: the promo discount on the goods (commission is a percent of
    # the items after discounts). Absent: no discount.
    discount = _money(load_default=None, allow_none=True)


class OrderCancelled(OrderTransition):
    reason = fields.String(required=True)


class OrderAmountChanged(OrderTransition):
    previous_total = _money(required=True)
    new_total = _money(required=True)
    reason = fields.String(required=True)


class OrderPaymentProgress(OrderTransition):
    amount = _money(load_default=None, allow_none=True)


class OrderConfirmed(OrderTransition):
    seller_id = fields.UUID(required=True)


class OrderBalanceRequested(OrderRef):
    """The seller asks the buyer for the balance of an order in production (status unchanged)."""

    note = fields.String(load_default=None, allow_none=True)
    attachment_ids = fields.List(fields.UUID(), load_default=list)


class OrderUnshippedAtClose(OrderRef):
    """The auto-close deadline passed on an order never shipped: the admins look into it."""

    status = fields.String(required=True, validate=validate.OneOf(ORDER_STATUSES))
    placed_at = fields.DateTime(required=True)


# Offers and custom work -------------------------------------------------------------------------
class OfferEvent(_Data):
    offer_id = fields.UUID(required=True)
    product_id = fields.UUID(required=True)
    shop_id = fields.UUID(required=True)
    buyer_id = fields.UUID(required=True)
    amount = _money(required=True)
    by = fields.String(load_default="system", validate=validate.OneOf(ACTOR_ROLES))


class OfferAccepted(OfferEvent):
    order_id = fields.UUID(required=True)


class OfferDeclined(OfferEvent):
    reason = fields.String(
        required=True, validate=validate.OneOf(("too_low", "not_available", "cannot_ship", "other"))
    )


class CustomRequestCreated(_Data):
    request_id = fields.UUID(required=True)
    shop_id = fields.UUID(required=True)
    buyer_id = fields.UUID(required=True)


class CustomRequestProposed(CustomRequestCreated):
    price = _money(required=True)
    production_days = StrictInteger(required=True, validate=validate.Range(min=0))


# Conversation and reviews -----------------------------------------------------------------------
class MessagePosted(_Data):
    message_id = fields.UUID(required=True)
    sender_id = fields.UUID(required=True)
    recipient_id = fields.UUID(required=True, allow_none=True)
    order_id = fields.UUID(load_default=None, allow_none=True)
    conversation_id = fields.UUID(load_default=None, allow_none=True)
    shop_id = fields.UUID(required=True)
    # The start of the text (at most 200 characters), for the recipient's e-mail (seed 003: new
    # messages are e-mailed at once). Absent: the notice goes without it.
    excerpt = fields.String(load_default=None, allow_none=True,
                            validate=validate.Length(max=200))


class ReviewPosted(_Data):
    review_id = fields.UUID(required=True)
    order_id = fields.UUID(required=True)
    shop_id = fields.UUID(required=True)
    buyer_id = fields.UUID(required=True)
    product_ids = fields.List(fields.UUID(), required=True)
    rating = StrictInteger(required=True, validate=validate.Range(min=1, max=5))
    # Whether the review shows publicly; only public reviews make the shop's rating. Every
    # buyer's review is public today, so producers that leave it out mean a public one.
    public = fields.Boolean(load_default=True)


# Payments ---------------------------------------------------------------------------------------
class PaymentEvent(_Data):
    payment_id = fields.UUID(required=True)
    order_id = fields.UUID(required=True)
    shop_id = fields.UUID(required=True)
    part = fields.String(required=True, validate=validate.OneOf(("full", "advance", "balance")))
    amount = _money(required=True)
    # On `payment.succeeded`: what is left to pay on the order after this payment (the buyer's
    # receipt, seed 003). Absent: not known.
    remaining = _money(load_default=None, allow_none=True)


class PaymentFailed(PaymentEvent):
    reason = fields.String(load_default=None, allow_none=True)


class PaymentRefunded(PaymentEvent):
    refund_id = fields.UUID(required=True)


class PaymentSettingsChanged(_Data):
    """A shop's payment settings as others need them (never its credentials): whether it takes
    online payment, when the buyer pays, and the surcharge added to its invoices (seed 003)."""

    shop_id = fields.UUID(required=True)
    online_payment = fields.Boolean(required=True)
    provider = fields.String(load_default=None, allow_none=True)
    timing = fields.String(load_default=None, allow_none=True,
                           validate=validate.OneOf(("after_confirmation", "at_checkout")))
    surcharge_percent = fields.Decimal(load_default=None, allow_none=True, as_string=True,
                                       places=2, validate=validate.Range(min=0, max=100))
    surcharge_label = fields.String(load_default=None, allow_none=True)


class DebtOverdue(_Data):
    """A shop's debt to the platform passed its due date unpaid (seed 003, "unpaid services"):
    moderation blocks its storefront and cabinet until `debt.settled`. Announced once per debt
    that falls overdue; `amount` is all the shop owes past its due dates, `due_at` the oldest."""

    shop_id = fields.UUID(required=True)
    amount = _money(required=True)
    due_at = fields.DateTime(required=True)


class DebtSettled(_Data):
    """Nothing the shop owed past its due date is left unpaid."""

    shop_id = fields.UUID(required=True)


class RefundOverdue(_Data):
    """A paid order was cancelled and its refund was not made within a day (seed 003, sanctions,
    reason 7): moderation acts on it. Announced once per cancelled order; `owed` is what was
    still unrefunded at the due time."""

    order_id = fields.UUID(required=True)
    shop_id = fields.UUID(required=True)
    seller_id = fields.UUID(load_default=None, allow_none=True)
    owed = _money(required=True)
    cancelled_at = fields.DateTime(required=True)
    due_at = fields.DateTime(required=True)


# Shipping ---------------------------------------------------------------------------------------
class ShipmentCreated(_Data):
    shipment_id = fields.UUID(required=True)
    order_id = fields.UUID(required=True)
    shop_id = fields.UUID(required=True)
    carrier = fields.String(required=True)
    tracking_number = fields.String(load_default=None, allow_none=True)
    tracking_url = fields.String(load_default=None, allow_none=True)
    notify_buyer = fields.Boolean(load_default=True)


class ShipmentStatusChanged(_Data):
    shipment_id = fields.UUID(required=True)
    order_id = fields.UUID(required=True)
    shop_id = fields.UUID(required=True)
    status = fields.String(
        required=True,
        validate=validate.OneOf(("created", "in_transit", "delivered", "returned", "lost")),
    )
    previous_status = fields.String(load_default=None, allow_none=True)


# Catalog ----------------------------------------------------------------------------------------
class ProductEvent(_Data):
    product_id = fields.UUID(required=True)
    shop_id = fields.UUID(required=True)


class ProductHidden(ProductEvent):
    reason = fields.String(required=True)


class CartItemAdded(_Data):
    buyer_id = fields.UUID(required=True)
    product_id = fields.UUID(required=True)
    shop_id = fields.UUID(required=True)
    quantity = StrictInteger(required=True, validate=validate.Range(min=1))


class CartDiscountOffered(_Data):
    """A seller offers a buyer a discount on a product left in the buyer's cart (API.md, abandoned
    carts). Marketing: the buyer hears of it where they take offers (notifications' preferences).
    The product's title is carried for the notice's text."""

    offer_id = fields.UUID(required=True)
    shop_id = fields.UUID(required=True)
    buyer_id = fields.UUID(required=True)
    product_id = fields.UUID(required=True)
    product_title = fields.String(required=True, validate=validate.Length(min=1, max=200))
    percent_off = StrictInteger(required=True, validate=validate.Range(min=1, max=99))
    expires_at = fields.DateTime(load_default=None, allow_none=True)


class StockChanged(_Data):
    """The quantity a product page shows changed (units held for a checkout or given back): one
    event per catalog transaction, naming every product it moved."""

    product_ids = fields.List(fields.UUID(), required=True, validate=validate.Length(min=1))


class ShopCreated(_Data):
    shop_id = fields.UUID(required=True)
    owner_id = fields.UUID(required=True)


class ShopUpdated(_Data):
    """Something a shop's pages show changed (profile, rules, vacation, status, labels, online
    payment): its product pages are to be read afresh."""

    shop_id = fields.UUID(required=True)


# Identity (the gateway) -------------------------------------------------------------------------
class UserRegistered(_Data):
    """A new account, with what notifications needs to reach its holder."""

    user_id = fields.UUID(required=True)
    email = fields.String(required=True)
    phone = _optional_text()
    name = _optional_text()
    locale = fields.String(load_default="en")
    roles = fields.List(fields.String(), required=True)


# Moderation -------------------------------------------------------------------------------------
SANCTION_KINDS = ("products_hidden", "product_hidden", "storefront_blocked", "banned")


class ShopSanctioned(_Data):
    shop_id = fields.UUID(required=True)
    sanction_id = fields.UUID(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(SANCTION_KINDS))
    product_id = fields.UUID(load_default=None, allow_none=True)
    reason = fields.String(required=True)


class ShopSanctionLifted(_Data):
    shop_id = fields.UUID(required=True)
    sanction_id = fields.UUID(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(SANCTION_KINDS))
    product_id = fields.UUID(load_default=None, allow_none=True)


class ShopWarned(_Data):
    shop_id = fields.UUID(required=True)
    warning_id = fields.UUID(required=True)
    reason = fields.String(required=True)


class ShopVerified(_Data):
    shop_id = fields.UUID(required=True)


class ComplaintTarget(_Data):
    kind = fields.String(required=True, validate=validate.OneOf(("shop", "customer", "product")))
    id = fields.UUID(required=True)


class ComplaintFiled(_Data):
    complaint_id = fields.UUID(required=True)
    filed_by = fields.UUID(required=True)
    target = fields.Nested(ComplaintTarget, required=True)
    reason = fields.String(required=True)


class ComplaintResolved(_Data):
    complaint_id = fields.UUID(required=True)
    target = fields.Nested(ComplaintTarget, required=True)
    verdict = fields.String(required=True, validate=validate.OneOf(("confirmed", "rejected")))
    sanction = fields.String(load_default=None, allow_none=True)


# Every event type and the schema of its `data` ---------------------------------------------------
CONTRACTS = {
    # Orders
    "order.placed": OrderPlaced,
    "order.confirmed": OrderConfirmed,
    "order.paid": OrderPaymentProgress,
    "order.partially_paid": OrderPaymentProgress,
    "order.in_production": OrderTransition,
    "order.balance_requested": OrderBalanceRequested,
    "order.shipped": OrderTransition,
    "order.received": OrderTransition,
    "order.completed": OrderTransition,
    "order.cancelled": OrderCancelled,
    "order.expired": OrderTransition,
    "order.amount_changed": OrderAmountChanged,
    "order.shipping_overdue": OrderTransition,
    "order.unshipped_at_close": OrderUnshippedAtClose,
    # Offers and custom work
    "offer.made": OfferEvent,
    "offer.countered": OfferEvent,
    "offer.accepted": OfferAccepted,
    "offer.declined": OfferDeclined,
    "offer.expired": OfferEvent,
    "custom_request.created": CustomRequestCreated,
    "custom_request.proposed": CustomRequestProposed,
    # Conversation and reviews
    "message.posted": MessagePosted,
    "review.posted": ReviewPosted,
    # Payments
    "payment.succeeded": PaymentEvent,
    "payment.failed": PaymentFailed,
    "payment.refunded": PaymentRefunded,
    "shop.payment_settings_changed": PaymentSettingsChanged,
    "debt.overdue": DebtOverdue,
    "debt.settled": DebtSettled,
    "refund.overdue": RefundOverdue,
    # Shipping
    "shipment.created": ShipmentCreated,
    "shipment.status_changed": ShipmentStatusChanged,
    # Catalog
    "shop.created": ShopCreated,
    "shop.updated": ShopUpdated,
    "product.created": ProductEvent,
    "product.updated": ProductEvent,
    "product.hidden": ProductHidden,
    "product.stock_changed": StockChanged,
    "cart.item_added": CartItemAdded,
    "cart.discount_offered": CartDiscountOffered,
    # Identity (the gateway)
    "user.registered": UserRegistered,
    # Moderation
    "shop.sanctioned": ShopSanctioned,
    "shop.sanction_lifted": ShopSanctionLifted,
    "shop.warned": ShopWarned,
    "shop.verified": ShopVerified,
    "complaint.filed": ComplaintFiled,
    "complaint.resolved": ComplaintResolved,
}
for _type, _schema in CONTRACTS.items():
    register(_type, _schema)
