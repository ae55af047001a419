"""The PayPal adapter against a fake PayPal speaking its protocol over real HTTP: OAuth client
credentials and bearer tokens, orders made once per PayPal-Request-Id with exact decimal amounts,
capture once approved, statuses and notifications confirmed by asking PayPal, refunds of the
capture."""

from __future__ import annotations

import json

import pytest

from services.payments.providers import Account, BadNotification, PaymentRequest, ProviderError
from services.payments.providers.paypal import PayPalProvider
from tests.support.fake_paypal import FakePayPal


@pytest.fixture
def paypal():
    fake = FakePayPal(client_id="app-client", secret="app-secret").start()
    yield fake
    fake.stop()


ACCOUNT = Account("app-client", "app-secret")


def request(key: str = "pay-1", amount: int = 1250, currency: str = "USD") -> PaymentRequest:
    return PaymentRequest(key=key, amount=amount, currency=currency,
                          description="Order 1 (full)", return_url="https://shop.example/thanks",
                          notification_url="https://payments.example/webhooks/paypal",
                          metadata={"payment_id": key})


def test_an_order_is_made_once_per_request_id_with_an_exact_decimal_amount(paypal):
    provider = PayPalProvider(paypal.url, timeout=5)
    created = provider.create_payment(ACCOUNT, request(amount=1250))
    assert provider.create_payment(ACCOUNT, request(amount=1250)) == created
    assert len(paypal.orders) == 1
    order = paypal.orders[created.provider_payment_id]
    assert order["intent"] == "CAPTURE"
    assert order["purchase_units"][0]["amount"] == {"currency_code": "USD", "value": "12.50"}
    assert created.confirmation_url == \
        f"https://www.paypal.test/checkoutnow?token={created.provider_payment_id}"
    # one token, reused for every call
    assert paypal.tokens_issued == 1
    other = provider.create_payment(ACCOUNT, request("pay-2", amount=130050, currency="RUB"))
    assert paypal.orders[other.provider_payment_id]["purchase_units"][0]["amount"]["value"] == \
        "1300.50"
    assert paypal.tokens_issued == 1


def test_an_approved_order_is_captured_once_and_then_counts_as_paid(paypal):
    provider = PayPalProvider(paypal.url, timeout=5)
    created = provider.create_payment(ACCOUNT, request(amount=999))
    ref = created.provider_payment_id
    assert provider.payment_status(ACCOUNT, ref).status == "pending"
    assert ("POST", f"/v2/checkout/orders/{ref}/capture") not in paypal.calls
    paypal.approve(ref)
    asked = len(paypal.calls)
    outcome = provider.payment_status(ACCOUNT, ref)
    assert (outcome.status, outcome.amount, outcome.currency) == ("succeeded", 999, "USD")
    # the capture's answer is the order: PayPal is not asked a third time
    assert paypal.calls[asked:] == [("GET", f"/v2/checkout/orders/{ref}"),
                                    ("POST", f"/v2/checkout/orders/{ref}/capture")]
    assert provider.payment_status(ACCOUNT, ref).status == "succeeded"
    assert paypal.calls.count(("POST", f"/v2/checkout/orders/{ref}/capture")) == 1


def test_a_voided_order_failed(paypal):
    provider = PayPalProvider(paypal.url, timeout=5)
    ref = provider.create_payment(ACCOUNT, request()).provider_payment_id
    paypal.void(ref)
    assert provider.payment_status(ACCOUNT, ref).status == "failed"


def test_a_notification_counts_only_as_paypal_confirms_it(paypal):
    provider = PayPalProvider(paypal.url, timeout=5)
    ref = provider.create_payment(ACCOUNT, request()).provider_payment_id
    body = paypal.notification(ref, "CHECKOUT.ORDER.APPROVED")
    assert provider.payment_ref(body) == ref
    # forged: claims completed while the buyer never approved; PayPal says otherwise
    forged = json.loads(body)
    forged["event_type"], forged["resource"]["status"] = "CHECKOUT.ORDER.COMPLETED", "COMPLETED"
    assert provider.verify(ACCOUNT, {}, json.dumps(forged).encode()).status == "pending"
    paypal.approve(ref)
    outcome = provider.verify(ACCOUNT, {}, paypal.notification(ref))
    assert (outcome.status, outcome.amount) == ("succeeded", 1250)
    capture = paypal.notification(ref, "PAYMENT.CAPTURE.COMPLETED")
    resource = json.loads(capture)["resource"]["purchase_units"][0]["payments"]["captures"][0]
    capture_event = json.dumps({"event_type": "PAYMENT.CAPTURE.COMPLETED", "resource": {
        **resource, "supplementary_data": {"related_ids": {"order_id": ref}}}}).encode()
    assert provider.payment_ref(capture_event) == ref
    with pytest.raises(BadNotification):
        provider.payment_ref(b'{"event_type": "CHECKOUT.ORDER.APPROVED"}')
    with pytest.raises(BadNotification):
        provider.verify(ACCOUNT, {}, json.dumps(
            {"event_type": "CHECKOUT.ORDER.APPROVED", "resource": {"id": "NOBODY"}}).encode())


def test_refunds_go_to_the_capture_and_never_exceed_it(paypal):
    provider = PayPalProvider(paypal.url, timeout=5)
    ref = provider.create_payment(ACCOUNT, request(amount=1250)).provider_payment_id
    with pytest.raises(ProviderError):  # nothing captured yet
        provider.refund(ACCOUNT, ref, "refund-0", 100, "USD")
    paypal.approve(ref)
    provider.payment_status(ACCOUNT, ref)
    first = provider.refund(ACCOUNT, ref, "refund-1", 1000, "USD")
    assert provider.refund(ACCOUNT, ref, "refund-1", 1000, "USD") == first
    [(_, capture)] = paypal.captures.values()
    assert capture["refunded"] == "10.00"
    with pytest.raises(ProviderError):
        provider.refund(ACCOUNT, ref, "refund-2", 251, "USD")
    provider.refund(ACCOUNT, ref, "refund-3", 250, "USD")
    assert capture["status"] == "REFUNDED"


def test_the_bearer_token_is_checked_and_asked_again_when_it_expires(paypal):
    provider = PayPalProvider(paypal.url, timeout=5)
    ref = provider.create_payment(ACCOUNT, request()).provider_payment_id
    paypal.expire_tokens()
    assert provider.payment_status(ACCOUNT, ref).status == "pending"
    assert paypal.tokens_issued == 2 and paypal.refusals == ["wrong token"]
    with pytest.raises(ProviderError):
        PayPalProvider(paypal.url, timeout=5).create_payment(Account("app-client", "wrong"),
                                                             request())
    assert paypal.refusals[-1] == "wrong credentials"
    with pytest.raises(ProviderError):
        PayPalProvider("http://127.0.0.1:9", timeout=1).create_payment(ACCOUNT, request())
