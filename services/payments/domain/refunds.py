"""Refunds never exceed what a payment took: the sum of a payment's refunds (pending or done) is at
most its amount; more is 422 naming what is left."""

from __future__ import annotations

from .errors import NotRefundable, RefundTooLarge


def check_refund(status: str, paid: int, refunded: int, amount: int) -> None:
    if status != "succeeded":
        raise NotRefundable(f"Only a succeeded payment can be refunded; this one is {status}.")
    left = paid - refunded
    if amount > left:
        raise RefundTooLarge(
            f"A refund cannot exceed what was paid: {left} minor units are left to refund.",
            errors={"amount": [f"At most {left}."]})
