"""Payment routes, answered by the payments service: a shop's payment settings and plan, paying an
order, its payments and refunds; the shop's ledger with the platform and paying its debt.

The payments service checks who may act from the caller's identity (a shop's owner, an order's
buyer or seller, an admin); the gateway asks the owner only when it refuses a body (`ownership`).
A payment or refund without an `Idempotency-Key` is refused with 428 (a resent request would pay
or refund twice).
"""

from __future__ import annotations

from .. import services
from ..api import ServiceBlueprint
from ..ownership import order_party, shop_owner
from .schemas import (
    IdempotencyKeySchema,
    LedgerPaymentInSchema,
    LedgerPaymentSchema,
    LedgerSchema,
    PaymentInSchema,
    PaymentListSchema,
    PaymentSchema,
    PlanInSchema,
    PlanSchema,
    RefundInSchema,
    RefundSchema,
    SettingsInSchema,
    SettingsSchema,
)

blp = ServiceBlueprint(
    "payments", __name__,
    description="Payment settings, plans, payments and refunds (payments service)")


@blp.route("/shops/<uuid:shop_id>/payment-settings", methods=["PUT"])
@blp.secured("seller", "admin", owner=shop_owner)
@blp.arguments(SettingsInSchema)
@blp.response(200, SettingsSchema, problems=[404, 409])
def put_settings(body, shop_id):
    """The shop's provider and credentials (the secret key is stored encrypted and never shown),
    timing and surcharge; `enabled: true` needs a plan with online payment and legal details."""
    if body.get("surcharge_percent") is not None:
        body["surcharge_percent"] = str(body["surcharge_percent"])
    return services.call("payments", "put_payment_settings", str(shop_id), body)


@blp.route("/shops/<uuid:shop_id>/payment-settings", methods=["GET"])
@blp.secured("seller", "admin")
@blp.response(200, SettingsSchema, problems=[404])
def get_settings(shop_id):
    """The shop's payment settings and plan (never the secret key)."""
    return services.call("payments", "get_payment_settings", str(shop_id))


@blp.route("/admin/shops/<uuid:shop_id>/plan", methods=["PUT"])
@blp.secured("admin")
@blp.arguments(PlanInSchema)
@blp.response(200, PlanSchema, problems=[404])
def set_plan(body, shop_id):
    """Put the shop on a configured plan (`basic`, `pro`, ...)."""
    return services.call("payments", "set_plan", str(shop_id), body)


@blp.route("/orders/<uuid:order_id>/payments", methods=["POST"])
@blp.secured("buyer", owner=order_party)
@blp.idempotency_key(IdempotencyKeySchema)
@blp.arguments(PaymentInSchema)
@blp.response(201, PaymentSchema, problems=[404, 409])
def create_payment(body, order_id, idempotency_key):
    """Pay a part of the order (`full`, `advance`, `balance`): the buyer goes on to
    `confirmation_url`; the order moves once the provider's signed notification comes."""
    return services.call("payments", "create_payment", str(order_id), body, idempotency_key)


@blp.route("/orders/<uuid:order_id>/payments", methods=["GET"])
@blp.secured("buyer", "seller", "admin")
@blp.response(200, PaymentListSchema, problems=[404])
def list_payments(order_id):
    """The order's payments and refunds."""
    return services.call("payments", "list_payments", str(order_id))


@blp.route("/payments/<uuid:payment_id>/refunds", methods=["POST"])
@blp.secured("seller", "admin")
@blp.idempotency_key(IdempotencyKeySchema)
@blp.arguments(RefundInSchema)
@blp.response(201, RefundSchema, problems=[404, 409])
def create_refund(body, payment_id, idempotency_key):
    """Refund part or all of a payment; refunds never exceed what was paid (422)."""
    return services.call("payments", "create_refund", str(payment_id), body, idempotency_key)


@blp.route("/shops/<uuid:shop_id>/ledger", methods=["GET"])
@blp.secured("seller", "admin")
@blp.response(200, LedgerSchema, problems=[404])
def get_ledger(shop_id):
    """What the shop owes the platform: commission per completed order, payments of debt, the
    balance and what of it is overdue."""
    return services.call("payments", "get_ledger", str(shop_id))


@blp.route("/shops/<uuid:shop_id>/ledger/payments", methods=["POST"])
@blp.secured("seller", owner=shop_owner)
@blp.idempotency_key(IdempotencyKeySchema)
@blp.arguments(LedgerPaymentInSchema)
@blp.response(201, LedgerPaymentSchema, problems=[404, 409])
def pay_debt(body, shop_id, idempotency_key):
    """Pay the debt to the platform (the whole balance owed) through the platform's provider; the
    seller goes on to `confirmation_url`. Works while the shop is blocked for its debt."""
    return services.call("payments", "pay_debt", str(shop_id), body, idempotency_key)
