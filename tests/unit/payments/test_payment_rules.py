"""The payments service's pure rules: plans, settings, payable parts, receipts, refunds,
signatures."""

from __future__ import annotations

from decimal import Decimal

import pytest

from services.payments.domain import payments as p
from services.payments.domain import signatures
from services.payments.domain.errors import (
    InvalidSettings,
    NotPayable,
    NotRefundable,
    OnlinePaymentRefused,
    RefundTooLarge,
    TooManyReceiptPositions,
)
from services.payments.domain.plans import DEFAULT_PLANS, Plan, parse_plans
from services.payments.domain.refunds import check_refund
from services.payments.domain.shop_settings import check_can_enable, clean_credentials

LEGAL = {"form": "sole_trader", "tax_id": "770123456789", "name": "IP Petrova"}
PRO, BASIC = Plan("pro", Decimal(5), True), Plan("basic", Decimal(10), False)


def facts(status="confirmed", grand=130000, paid=0, percent=30, timing="after_confirmation"):
    return p.OrderFacts(status, grand, paid, percent, timing)


def existing(*pairs):
    return [p.ExistingPayment(p.Part(part), p.PaymentStatus(status)) for part, status in pairs]


def test_shipped_plans_are_basic_without_and_pro_with_online_payment():
    plans = parse_plans(DEFAULT_PLANS)
    assert plans["basic"].online_payment is False and plans["pro"].online_payment is True
    assert plans["pro"].commission_percent == Decimal(5)


@pytest.mark.parametrize("text", ["basic", "basic:x:no", "basic:10:maybe", "basic:101:no", ""])
def test_a_malformed_plan_list_is_refused(text):
    with pytest.raises(ValueError):
        parse_plans(text)


def test_credentials_lose_outer_spaces_and_refuse_inner_ones():
    assert clean_credentials("  shop-1\t", " s3cr3t ") == ("shop-1", "s3cr3t")
    with pytest.raises(InvalidSettings) as refused:
        clean_credentials("shop 1", "se cret")
    assert set(refused.value.errors) == {"account_id", "secret_key"}


def test_online_payment_needs_a_plan_that_allows_it_and_legal_details():
    check_can_enable(PRO, LEGAL)
    with pytest.raises(OnlinePaymentRefused) as both:
        check_can_enable(BASIC, {"form": "company"})
    assert len(both.value.errors["reasons"]) == 2


def test_full_and_advance_wait_for_confirmation_unless_paid_at_checkout():
    with pytest.raises(NotPayable):
        p.amount_due(p.Part.FULL, facts(status="placed"), [])
    assert p.amount_due(p.Part.FULL, facts(status="placed", timing="at_checkout"), []) == 130000
    assert p.amount_due(p.Part.ADVANCE, facts(), []) == 39000


def test_the_advance_is_rounded_half_up_and_needs_a_prepayment_percent():
    assert p.advance_of(1005, 50) == 503
    with pytest.raises(NotPayable):
        p.amount_due(p.Part.ADVANCE, facts(percent=0), [])


def test_the_balance_is_the_rest_once_the_advance_is_in():
    with pytest.raises(NotPayable):
        p.amount_due(p.Part.BALANCE, facts(), [])
    paid = existing(("advance", "succeeded"))
    assert p.amount_due(p.Part.BALANCE, facts("in_production", paid=39000), paid) == 91000
    assert p.amount_due(p.Part.BALANCE, facts("partially_paid", paid=39000), paid) == 91000


@pytest.mark.parametrize(("part", "earlier"), [
    ("full", ("full", "pending")), ("full", ("advance", "succeeded")),
    ("advance", ("advance", "pending")), ("advance", ("full", "succeeded")),
])
def test_a_part_pending_or_paid_is_not_paid_again(part, earlier):
    with pytest.raises(NotPayable):
        p.amount_due(p.Part(part), facts(), existing(earlier))


def test_a_failed_payment_frees_its_part():
    assert p.amount_due(p.Part.FULL, facts(), existing(("full", "failed"))) == 130000


def test_a_self_employed_receipt_holds_six_positions_delivery_included():
    p.check_receipt_positions("self_employed", 5, True)
    p.check_receipt_positions("sole_trader", 9, True)
    with pytest.raises(TooManyReceiptPositions):
        p.check_receipt_positions("self_employed", 6, True)


def test_refunds_stay_within_what_was_paid():
    check_refund("succeeded", 1000, 400, 600)
    with pytest.raises(RefundTooLarge):
        check_refund("succeeded", 1000, 400, 601)
    with pytest.raises(NotRefundable):
        check_refund("pending", 1000, 0, 1)


def test_a_signature_proves_body_secret_and_freshness():
    body = b'{"payment": {"id": "x"}}'
    header = signatures.sign("k", body, 1000)
    signatures.verify("k", body, header, now=1100, tolerance=600)
    for secret, data, now in (("other", body, 1100), ("k", body + b" ", 1100),
                              ("k", body, 5000)):
        with pytest.raises(signatures.BadSignature):
            signatures.verify(secret, data, header, now=now, tolerance=600)
    with pytest.raises(signatures.BadSignature):
        signatures.verify("k", body, "garbage", now=1100, tolerance=600)
