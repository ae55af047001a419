"""The carrier adapters against a real HTTP server speaking their JSON tracking API."""

from __future__ import annotations

import socket

import pytest

from services.shipping.carriers import (
    CarrierUnavailable,
    TrackingApis,
    TrackingReport,
    cdek,
    russian_post,
)
from tests.support.fake_carrier import FakeCarrier

pytestmark = pytest.mark.integration


@pytest.fixture
def carrier():
    fake = FakeCarrier().start()
    yield fake
    fake.stop()


def test_a_known_number_reports_its_status_and_latest_event(carrier):
    carrier.set_status("1234567890", "in_transit", "Accepted at the warehouse")
    carrier.set_status("1234567890", "in_transit", "Left the sorting centre")
    assert cdek.fetch(carrier.url, "1234567890", 2) == TrackingReport(
        "1234567890", "in_transit", "Left the sorting centre"
    )


@pytest.mark.parametrize(
    "adapter, word, ours",
    [
        (cdek, "ready_for_pickup", "in_transit"),
        (cdek, "accepted", "created"),
        (russian_post, "arrived", "in_transit"),
        (russian_post, "returned_to_sender", "returned"),
        (russian_post, "Delivered", "delivered"),
        (russian_post, "teleported", "teleported"),  # left for the domain to refuse
    ],
)
def test_each_adapter_reads_its_carriers_words_as_ours(carrier, adapter, word, ours):
    carrier.set_status("RA123456789RU", word)
    assert adapter.fetch(carrier.url, "RA123456789RU", 2).status == ours


def test_an_unknown_number_is_no_news(carrier):
    assert russian_post.fetch(carrier.url, "RA000000000RU", 2) is None


def test_a_failing_or_unreachable_carrier_is_unavailable(carrier):
    carrier.set_status("1234567890", "delivered")
    carrier.fail("1234567890", 503)
    with pytest.raises(CarrierUnavailable, match="HTTP 503"):
        cdek.fetch(carrier.url, "1234567890", 2)

    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{probe.getsockname()[1]}"
    with pytest.raises(CarrierUnavailable):
        cdek.fetch(closed, "1234567890", 2)


def test_only_carriers_with_an_api_url_are_polled(monkeypatch, carrier):
    monkeypatch.setenv("SHIPPING_CARRIER_API_URL_CDEK", carrier.url + "/")
    monkeypatch.delenv("SHIPPING_CARRIER_API_URL_RUSSIAN_POST", raising=False)
    apis = TrackingApis.from_settings()
    assert apis.carriers == ["cdek"]
    assert apis.urls == {"cdek": carrier.url}
    with pytest.raises(ValueError, match="no tracking adapter"):
        TrackingApis({"pek": carrier.url}, 1)
