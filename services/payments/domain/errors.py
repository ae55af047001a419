"""The payments service's typed refusals (each leaves as the kernel's base type with its code);
the refusals several services share (`ShopNotFound`, `OrderNotFound`, ...) are the kernel's."""

from __future__ import annotations

from services.common.errors import Conflict, Invalid, NotFound


class PaymentNotFound(NotFound, code="payment_not_found"):
    """No such payment, or one the caller may not see."""


class UnknownPlan(Invalid, code="unknown_plan"):
    """A tariff plan the platform does not have."""


class OnlinePaymentRefused(Conflict, code="online_payment_not_allowed"):
    """Online payment cannot be switched on: the plan does not allow it, or no legal details."""


class InvalidSettings(Invalid, code="invalid_payment_settings"):
    """A shop's payment settings that break a rule."""


class NotPayable(Conflict, code="not_payable"):
    """This part of the order cannot be paid now (its status, or a part already paid or pending)."""


class TooManyReceiptPositions(Conflict, code="too_many_receipt_positions"):
    """A self-employed shop's receipt would have more than six positions."""


class IdempotencyKeyReused(Conflict, code="idempotency_key_reused"):
    """An Idempotency-Key the caller used before for something else."""


class RefundTooLarge(Invalid, code="refund_exceeds_paid"):
    """Refunds of a payment may not add up to more than it took."""


class NotRefundable(Conflict, code="not_refundable"):
    """The payment cannot be refunded (it has not succeeded)."""


class NothingOwed(Conflict, code="nothing_owed"):
    """A payment of debt asked while the shop owes the platform nothing."""
