"""Readiness, metrics, a stopped service, and the OpenAPI document fuzzed by schemathesis."""

from __future__ import annotations

import time
import uuid

import pytest

from tests.support import harness

from .conftest import FAKE_NAMES, RPC_TIMEOUT

pytestmark = pytest.mark.integration


def admin_headers(gw, http):
    response = http.post(gw.api("/auth/login"),
                         json={"email": gw.admin_email, "password": gw.admin_password})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def test_ready_when_every_service_answers(gateway_server, http):
    response = http.get(f"{gateway_server.url}/ready")
    assert response.status_code == 200, response.text
    assert response.json()["services"] == {
        name: "ok" for name in FAKE_NAMES if name != "gwprobe"}


def test_a_stopped_service_is_503_quickly_and_served_again_once_back(gateway_server, http,
                                                                     platform):
    gw = gateway_server
    headers = admin_headers(gw, http)
    customer = http.post(gw.api("/auth/register"), json={
        "email": f"c-{uuid.uuid4().hex[:8]}@example.com", "password": "long enough pw",
        "name": "C", "role": "buyer"}).json()
    card_url = gw.api(f"/customers/{customer['id']}")
    assert http.get(card_url, headers=headers).status_code == 200

    platform.stop()
    try:
        started = time.monotonic()
        response = http.get(card_url, headers=headers, timeout=30)
        elapsed = time.monotonic() - started
        assert response.status_code == 503
        assert response.headers["Content-Type"] == "application/problem+json"
        assert int(response.headers["Retry-After"]) > 0
        assert elapsed < RPC_TIMEOUT + 1.5

        ready = http.get(f"{gw.url}/ready", timeout=30)
        assert ready.status_code == 503
        assert ready.json()["services"]["orders"] == "down"
    finally:
        platform.start()

    harness.wait_for(lambda: http.get(card_url, headers=headers).status_code == 200, 20,
                     message="the customer card to be served again")
    assert http.get(f"{gw.url}/ready").status_code == 200


def test_metrics_count_requests_per_route(gateway_server, http):
    for _ in range(3):
        http.get(f"{gateway_server.url}/health")
    text = http.get(f"{gateway_server.url}/metrics").text
    assert 'gateway_http_requests_total{method="GET",route="/health",status="200"}' in text
    assert "gateway_http_request_duration_seconds_bucket" in text


def test_the_docs_page_and_document_are_served(gateway_server, http):
    spec = http.get(gateway_server.api("/openapi.json")).json()
    assert spec["openapi"].startswith("3.")
    assert {"/api/v1/auth/register", "/api/v1/auth/login", "/api/v1/me",
            "/api/v1/customers/{user_id}"} <= set(spec["paths"])
    page = http.get(gateway_server.api("/docs"))
    assert page.status_code == 200 and "swagger" in page.text.lower()
