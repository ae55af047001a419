"""The payments service's typed refusals (each leaves as the kernel's base type with its code);
the refusals several services share (`ShopNotFound`, `OrderNotFound`, ...) are the kernel's."""

from __future__ import annotations

from services.common.errors import Conflict, Invalid, NotFound


class PaymentNotFound(NotFound):
    code = "payment_not_found"


class UnknownPlan(Invalid):
    code = "unknown_plan"


class OnlinePaymentRefused(Conflict):
    """Online payment cannot be switched on: the plan does not allow it, or no legal details."""

    code = "online_payment_not_allowed"


class InvalidSettings(Invalid):
    code = "invalid_payment_settings"


class NotPayable(Conflict):
    """This part of the order cannot be paid now (its status, or a part already paid or pending)."""

    code = "not_payable"


class TooManyReceiptPositions(Conflict):
    code = "too_many_receipt_positions"


class IdempotencyKeyReused(Conflict):
    code = "idempotency_key_reused"


class RefundTooLarge(Invalid):
    code = "refund_exceeds_paid"


class NotRefundable(Conflict):
    code = "not_refundable"


class NothingOwed(Conflict):
    """A payment of debt asked while the shop owes the platform nothing."""

    code = "nothing_owed"
