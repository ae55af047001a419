"""The YooKassa adapter against a fake YooKassa speaking its protocol over real HTTP: payments
made once per idempotence key, statuses, refunds, notifications confirmed by asking the API."""

from __future__ import annotations

import json

import pytest

from services.payments.providers import Account, BadNotification, PaymentRequest, ProviderError
from services.payments.providers.yookassa import YooKassaProvider
from tests.support.fake_yookassa import FakeYooKassa


@pytest.fixture
def kassa():
    fake = FakeYooKassa(shop_id="501234", secret="test_secret").start()
    yield fake
    fake.stop()


ACCOUNT = Account("501234", "test_secret")


def request(key: str = "pay-1") -> PaymentRequest:
    return PaymentRequest(key=key, amount=130050, currency="RUB", description="Order 1 (full)",
                          return_url="https://shop.example/thanks",
                          notification_url="https://payments.example/webhooks/yookassa",
                          metadata={"payment_id": key})


def test_a_payment_is_made_once_per_key_and_settles(kassa):
    provider = YooKassaProvider(kassa.url, timeout=5)
    created = provider.create_payment(ACCOUNT, request())
    assert provider.create_payment(ACCOUNT, request()) == created
    assert created.confirmation_url.startswith("https://yoomoney.test/checkout")
    assert kassa.payments[created.provider_payment_id]["amount"] == {"value": "1300.50",
                                                                     "currency": "RUB"}
    assert provider.payment_status(ACCOUNT, created.provider_payment_id).status == "pending"
    kassa.settle(created.provider_payment_id, "succeeded")
    outcome = provider.payment_status(ACCOUNT, created.provider_payment_id)
    assert (outcome.status, outcome.amount, outcome.currency) == ("succeeded", 130050, "RUB")


def test_refunds_go_to_the_api_and_never_exceed_the_payment(kassa):
    provider = YooKassaProvider(kassa.url, timeout=5)
    created = provider.create_payment(ACCOUNT, request())
    kassa.settle(created.provider_payment_id, "succeeded")
    first = provider.refund(ACCOUNT, created.provider_payment_id, "refund-1", 100000, "RUB")
    assert provider.refund(ACCOUNT, created.provider_payment_id, "refund-1", 100000,
                           "RUB") == first
    with pytest.raises(ProviderError):
        provider.refund(ACCOUNT, created.provider_payment_id, "refund-2", 30051, "RUB")


def test_wrong_credentials_and_an_unreachable_api_are_provider_errors(kassa):
    with pytest.raises(ProviderError):
        YooKassaProvider(kassa.url, timeout=5).create_payment(Account("501234", "wrong"),
                                                              request())
    assert kassa.refusals == ["wrong credentials"]
    with pytest.raises(ProviderError):
        YooKassaProvider("http://127.0.0.1:9", timeout=1).create_payment(ACCOUNT, request())


def test_a_notification_counts_only_as_the_api_confirms_it(kassa):
    provider = YooKassaProvider(kassa.url, timeout=5)
    created = provider.create_payment(ACCOUNT, request())
    kassa.settle(created.provider_payment_id, "canceled")
    body = kassa.notification(created.provider_payment_id)
    assert provider.payment_ref(body) == created.provider_payment_id
    # a forged "succeeded" for it: the API says canceled, and that is what counts
    forged = json.loads(body)
    forged["event"], forged["object"]["status"] = "payment.succeeded", "succeeded"
    outcome = provider.verify(ACCOUNT, {}, json.dumps(forged).encode())
    assert outcome.status == "failed"
    with pytest.raises(BadNotification):
        provider.payment_ref(b'{"type": "notification"}')
    with pytest.raises(BadNotification):
        provider.verify(ACCOUNT, {}, b'{"type": "notification", "object": {"id": "nobody"}}')
