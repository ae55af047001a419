"""The carrier adapters against real HTTP servers that check requests as CDEK and Russian Post do."""

from __future__ import annotations

import socket

import pytest
import requests

from services.shipping.carriers import (
    CarrierRefused,
    CarrierUnavailable,
    CdekTracking,
    RussianPostTracking,
    TrackingApis,
    TrackingReport,
)
from services.shipping.settings import CDEK_URL, RUSSIAN_POST_URL
from tests.support.fake_carrier_cdek import FakeCdek
from tests.support.fake_carrier_russian_post import SOAP11, SOAP12, FakeRussianPost

pytestmark = pytest.mark.integration

CDEK_NUMBER = "1234567890"
BARCODE = "RA123456789RU"


class Clock:
    """A clock a test moves by hand (seconds, like time.monotonic)."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def cdek():
    fake = FakeCdek(token_ttl=3600, clock=Clock()).start()
    yield fake
    fake.stop()


@pytest.fixture
def post():
    fake = FakeRussianPost().start()
    yield fake
    fake.stop()


def cdek_client(fake: FakeCdek, secret: str | None = None, clock=None) -> CdekTracking:
    return CdekTracking(fake.url, fake.client_id, secret or fake.client_secret, timeout=2,
                        clock=clock or Clock())


def post_client(fake: FakeRussianPost, password: str | None = None, **options) -> RussianPostTracking:
    return RussianPostTracking(fake.url, fake.login, password or fake.password, timeout=2, **options)


def closed_port_url() -> str:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{probe.getsockname()[1]}"


# -- CDEK -------------------------------------------------------------------------------------------
def test_cdek_with_the_right_credentials_reports_the_newest_status_on_one_token(cdek):
    client = cdek_client(cdek)
    cdek.add_status(CDEK_NUMBER, "CREATED", "Создан")
    assert client.fetch(CDEK_NUMBER) == TrackingReport(CDEK_NUMBER, "created", "Создан")
    cdek.add_status(CDEK_NUMBER, "SENT_TO_TRANSIT_CITY", "Отправлен в г. транзит", city="Москва")
    cdek.add_status(CDEK_NUMBER, "ACCEPTED_AT_PICK_UP_POINT", "Принят на склад до востребования",
                    city="Казань")
    assert client.fetch(CDEK_NUMBER) == TrackingReport(
        CDEK_NUMBER, "in_transit", "Принят на склад до востребования, Казань"
    )
    cdek.add_status(CDEK_NUMBER, "DELIVERED", "Вручен", city="Казань")
    assert client.fetch(CDEK_NUMBER).status == "delivered"
    assert (cdek.tokens_issued, cdek.asked(CDEK_NUMBER), cdek.refusals) == (1, 3, [])


def test_a_number_cdek_does_not_know_is_no_news(cdek):
    assert cdek_client(cdek).fetch("0000000000") is None
    assert cdek.asked("0000000000") == 1


def test_cdek_refuses_wrong_client_credentials_and_is_not_asked_again_at_once(cdek):
    clock = Clock()
    client = cdek_client(cdek, secret="not-the-secret", clock=clock)
    cdek.add_status(CDEK_NUMBER, "CREATED")
    with pytest.raises(CarrierRefused, match="HTTP 401 invalid_client"):
        client.fetch(CDEK_NUMBER)
    with pytest.raises(CarrierRefused, match="invalid_client"):
        client.fetch(CDEK_NUMBER)  # within the pause: refused without a call
    assert cdek.refusals == ["wrong client credentials"]
    assert (cdek.tokens_issued, cdek.asked(CDEK_NUMBER)) == (0, 0)

    clock.now += client.refusal_pause
    with pytest.raises(CarrierRefused):
        client.fetch(CDEK_NUMBER)  # after the pause it asks again
    assert cdek.refusals == ["wrong client credentials"] * 2


def test_cdek_refuses_orders_without_a_bearer_token_or_with_a_wrong_one(cdek):
    cdek.add_status(CDEK_NUMBER, "CREATED")
    orders = f"{cdek.url}/v2/orders"
    missing = requests.get(orders, params={"cdek_number": CDEK_NUMBER}, timeout=2)
    wrong = requests.get(orders, params={"cdek_number": CDEK_NUMBER}, timeout=2,
                         headers={"Authorization": "Bearer made-up"})
    assert (missing.status_code, wrong.status_code) == (401, 401)
    assert wrong.json()["error"] == "invalid_token"
    assert cdek.refusals == ["no bearer token", "wrong or revoked token"]
    as_query = requests.post(f"{cdek.url}/v2/oauth/token", timeout=2, params={
        "grant_type": "client_credentials", "client_id": cdek.client_id,
        "client_secret": cdek.client_secret})
    assert as_query.status_code == 400  # credentials go in the form, not the query string


def test_a_revoked_cdek_token_is_replaced_after_the_401(cdek):
    client = cdek_client(cdek)
    cdek.add_status(CDEK_NUMBER, "CREATED")
    client.fetch(CDEK_NUMBER)
    cdek.expire_tokens()
    assert client.fetch(CDEK_NUMBER).status == "created"
    assert cdek.refusals == ["wrong or revoked token"]
    assert cdek.tokens_issued == 2


def test_a_cdek_token_cdek_has_expired_is_replaced_after_the_401(cdek):
    client = cdek_client(cdek)  # its own clock does not move: it believes the token still good
    cdek.add_status(CDEK_NUMBER, "CREATED")
    client.fetch(CDEK_NUMBER)
    cdek._clock.now += cdek.token_ttl
    assert client.fetch(CDEK_NUMBER).status == "created"
    assert cdek.refusals == ["expired token"]
    assert cdek.tokens_issued == 2


def test_a_cdek_token_is_renewed_shortly_before_it_expires_without_a_refusal(cdek):
    clock = Clock()
    client = cdek_client(cdek, clock=clock)
    cdek.add_status(CDEK_NUMBER, "CREATED")
    client.fetch(CDEK_NUMBER)
    clock.now += cdek.token_ttl - 120  # two minutes left: still used
    client.fetch(CDEK_NUMBER)
    assert cdek.tokens_issued == 1
    clock.now += 70  # 50 s left, inside the renewal margin: a new one first
    client.fetch(CDEK_NUMBER)
    assert (cdek.tokens_issued, cdek.refusals) == (2, [])


def test_a_failing_or_unreachable_cdek_is_unavailable_not_refused(cdek):
    client = cdek_client(cdek)
    cdek.add_status(CDEK_NUMBER, "DELIVERED")
    cdek.fail(CDEK_NUMBER, 503)
    with pytest.raises(CarrierUnavailable, match="HTTP 503") as caught:
        client.fetch(CDEK_NUMBER)
    assert not isinstance(caught.value, CarrierRefused)

    cdek.fail_tokens(502)
    with pytest.raises(CarrierUnavailable, match="HTTP 502") as caught:
        cdek_client(cdek).fetch(CDEK_NUMBER)
    assert not isinstance(caught.value, CarrierRefused)

    with pytest.raises(CarrierUnavailable):
        CdekTracking(closed_port_url(), "id", "secret", timeout=2).fetch(CDEK_NUMBER)


def test_a_carrier_that_does_not_answer_in_time_is_unavailable():
    with socket.socket() as silent:  # accepts connections (the backlog) and never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        url = f"http://127.0.0.1:{silent.getsockname()[1]}"
        with pytest.raises(CarrierUnavailable, match="timed out"):
            CdekTracking(url, "id", "secret", timeout=0.3).fetch(CDEK_NUMBER)
        with pytest.raises(CarrierUnavailable, match="timed out"):
            RussianPostTracking(url, "login", "password", timeout=0.3).fetch(BARCODE)


# -- Russian Post -----------------------------------------------------------------------------------
def test_russian_post_with_the_right_login_reports_the_newest_operation(post):
    client = post_client(post)
    post.add_operation(BARCODE, 1, 1, "Прием", "Единичный", "Москва 555")
    assert client.fetch(BARCODE) == TrackingReport(BARCODE, "in_transit",
                                                   "Прием: Единичный, Москва 555")
    post.add_operation(BARCODE, 8, 2, "Обработка", "Прибыло в место вручения", "Казань 420000")
    post.add_operation(BARCODE, 2, 1, "Вручение", "Вручение адресату", "Казань 420000")
    assert client.fetch(BARCODE).status == "delivered"
    assert (post.asked(BARCODE), post.refusals) == (2, [])


def test_an_item_russian_post_has_no_operations_for_is_no_news(post):
    assert post_client(post).fetch("RA000000000RU") is None


def test_russian_post_refuses_a_wrong_login_or_password_with_a_fault(post):
    post.add_operation(BARCODE, 1, 1)
    with pytest.raises(CarrierRefused, match="AuthorizationFault"):
        post_client(post, password="not-the-password").fetch(BARCODE)
    assert post.refusals == ["Ошибка авторизации: неверный логин или пароль"]
    assert post.asked(BARCODE) == 0


def test_russian_post_refuses_an_envelope_it_cannot_serve_and_the_adapter_reports_it(post):
    with pytest.raises(CarrierUnavailable, match="LanguageFault") as caught:
        post_client(post, language="DEU").fetch(BARCODE)
    assert not isinstance(caught.value, CarrierRefused)


@pytest.mark.parametrize(
    ("body", "content_type", "status", "fault"),
    [
        (b"<soap:Envelope", "application/soap+xml", 500, "S:Sender"),
        (f'<e:Envelope xmlns:e="{SOAP11}"><e:Body/></e:Envelope>'.encode(),
         "application/soap+xml", 500, "S:VersionMismatch"),
        (f'<e:Envelope xmlns:e="{SOAP12}"><e:Body/></e:Envelope>'.encode(),
         "application/soap+xml", 500, "S:Sender"),
        (f'<e:Envelope xmlns:e="{SOAP12}"><e:Body/></e:Envelope>'.encode(), "text/xml", 415, None),
    ],
)
def test_the_russian_post_fake_refuses_malformed_envelopes(post, body, content_type, status, fault):
    answer = requests.post(post.url, data=body, headers={"Content-Type": content_type}, timeout=2)
    assert answer.status_code == status
    if fault:
        assert f"<S:Value>{fault}</S:Value>" in answer.text
    assert len(post.refusals) == 1


def test_a_failing_or_unreachable_russian_post_is_unavailable(post):
    client = post_client(post)
    post.add_operation(BARCODE, 1, 1)
    post.fail(BARCODE, 500)
    with pytest.raises(CarrierUnavailable, match="S:Receiver"):
        client.fetch(BARCODE)
    post.fail(BARCODE, 503)
    with pytest.raises(CarrierUnavailable, match="HTTP 503"):
        client.fetch(BARCODE)
    with pytest.raises(CarrierUnavailable):
        RussianPostTracking(closed_port_url(), "l", "p", timeout=2).fetch(BARCODE)


# -- which carriers are polled ---------------------------------------------------------------------
def test_only_carriers_with_credentials_are_polled(monkeypatch, cdek):
    monkeypatch.setenv("SHIPPING_CDEK_URL", cdek.url + "/")
    monkeypatch.setenv("SHIPPING_CDEK_CLIENT_ID", cdek.client_id)
    monkeypatch.setenv("SHIPPING_CDEK_CLIENT_SECRET", cdek.client_secret)
    for name in ("URL", "LOGIN", "PASSWORD"):
        monkeypatch.delenv(f"SHIPPING_RUSSIAN_POST_{name}", raising=False)
    apis = TrackingApis.from_settings()
    assert apis.carriers == ["cdek"]
    cdek.add_status(CDEK_NUMBER, "TAKEN_BY_COURIER", "Выдан на доставку")
    assert apis.fetch("cdek", CDEK_NUMBER).status == "in_transit"

    monkeypatch.setenv("SHIPPING_RUSSIAN_POST_LOGIN", "login")
    monkeypatch.setenv("SHIPPING_RUSSIAN_POST_PASSWORD", "password")
    monkeypatch.delenv("SHIPPING_CDEK_URL")
    apis = TrackingApis.from_settings()
    assert apis.carriers == ["cdek", "russian_post"]
    assert apis.trackers["cdek"].url == CDEK_URL  # the real endpoints unless told otherwise
    assert apis.trackers["russian_post"].url == RUSSIAN_POST_URL

    with pytest.raises(ValueError, match="no tracking adapter"):
        TrackingApis({"pek": apis.trackers["cdek"]})


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"SHIPPING_CDEK_URL": "https://api.edu.cdek.ru"}, "SHIPPING_CDEK_URL is set but"),
        ({"SHIPPING_CDEK_CLIENT_ID": "id"}, "set both SHIPPING_CDEK_CLIENT_ID"),
        ({"SHIPPING_RUSSIAN_POST_PASSWORD": "p"}, "set both SHIPPING_RUSSIAN_POST_LOGIN"),
    ],
)
def test_half_configured_carriers_stop_the_service_from_starting(monkeypatch, env, message):
    for carrier, names in (("CDEK", ("URL", "CLIENT_ID", "CLIENT_SECRET")),
                           ("RUSSIAN_POST", ("URL", "LOGIN", "PASSWORD"))):
        for name in names:
            monkeypatch.delenv(f"SHIPPING_{carrier}_{name}", raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ValueError, match=message):
        TrackingApis.from_settings()
