"""Identity through real HTTP: gunicorn in front of real Nameko services."""

from __future__ import annotations

import uuid

import pytest

from gateway.auth import issue_token

from .conftest import SECRET

pytestmark = pytest.mark.integration

PROBLEM = "application/problem+json"


def new_email() -> str:
    return f"u-{uuid.uuid4().hex[:10]}@example.com"


def register(gw, http, role="buyer", email=None, password="long enough pw"):
    email = email or new_email()
    response = http.post(gw.api("/auth/register"),
                         json={"email": email, "password": password, "name": "Test", "role": role})
    assert response.status_code == 201, response.text
    return {**response.json(), "password": password}


def login(gw, http, email, password):
    return http.post(gw.api("/auth/login"), json={"email": email, "password": password})


def bearer(gw, http, email, password):
    response = login(gw, http, email, password)
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def test_register_login_and_me(gateway_server, http):
    gw = gateway_server
    user = register(gw, http)
    token = login(gw, http, user["email"], user["password"])
    assert token.status_code == 200
    assert token.json()["token_type"] == "Bearer" and token.json()["expires_in"] > 0

    me = http.get(gw.api("/me"),
                  headers={"Authorization": f"Bearer {token.json()['access_token']}"})
    assert me.status_code == 200
    assert me.json() == {"id": user["id"], "email": user["email"], "name": "Test",
                         "roles": ["buyer"]}


def test_a_sellers_me_asks_the_catalog_for_the_shop(gateway_server, http):
    seller = register(gateway_server, http, role="seller")
    me = http.get(gateway_server.api("/me"),
                  headers=bearer(gateway_server, http, seller["email"], seller["password"]))
    assert me.status_code == 200
    assert me.json()["roles"] == ["seller"] and me.json()["shop_id"] is None


def test_wrong_password_is_401(gateway_server, http):
    user = register(gateway_server, http)
    response = login(gateway_server, http, user["email"], "not the password")
    assert response.status_code == 401
    assert response.headers["Content-Type"] == PROBLEM


def test_repeated_wrong_passwords_throttle_that_account_only(gateway_server, http):
    victim, other = register(gateway_server, http), register(gateway_server, http)
    for _ in range(3):
        assert login(gateway_server, http, victim["email"], "guess").status_code == 401
    locked = login(gateway_server, http, victim["email"], victim["password"])
    assert locked.status_code == 429 and int(locked.headers["Retry-After"]) > 0
    assert login(gateway_server, http, other["email"], other["password"]).status_code == 200


def test_duplicate_email_is_409(gateway_server, http):
    user = register(gateway_server, http)
    again = http.post(gateway_server.api("/auth/register"),
                      json={"email": user["email"].upper(), "password": "another password",
                            "name": "Dup", "role": "seller"})
    assert again.status_code == 409
    assert again.headers["Content-Type"] == PROBLEM


@pytest.mark.parametrize("case", ["missing", "expired", "tampered", "wrong_secret", "not_bearer"])
def test_bad_tokens_are_401(gateway_server, http, case):
    user = register(gateway_server, http)
    good = issue_token(user["id"], ["buyer"], SECRET, ttl_seconds=600)
    header, payload, signature = good.split(".")
    headers = {
        "missing": {},
        "expired": {"Authorization": "Bearer "
                    + issue_token(user["id"], ["buyer"], SECRET, ttl_seconds=-5)},
        "tampered": {"Authorization": f"Bearer {header}.{payload[:-2]}xy.{signature}"},
        "wrong_secret": {"Authorization": "Bearer "
                         + issue_token(user["id"], ["admin"], "x" * 40, ttl_seconds=600)},
        "not_bearer": {"Authorization": f"Basic {good}"},
    }[case]
    response = http.get(gateway_server.api("/me"), headers=headers)
    assert response.status_code == 401
    assert response.headers["Content-Type"] == PROBLEM
    assert http.get(gateway_server.api("/me"),
                    headers={"Authorization": f"Bearer {good}"}).status_code == 200


def test_a_buyer_calling_a_seller_route_is_403(gateway_server, http):
    buyer = register(gateway_server, http)
    response = http.get(gateway_server.api(f"/customers/{buyer['id']}"),
                        headers=bearer(gateway_server, http, buyer["email"], buyer["password"]))
    assert response.status_code == 403
    assert response.headers["Content-Type"] == PROBLEM


def test_the_customer_card_joins_identity_orders_and_moderation(gateway_server, http, platform):
    gw = gateway_server
    customer = register(gw, http)
    admin = bearer(gw, http, gw.admin_email, gw.admin_password)
    card = http.get(gw.api(f"/customers/{customer['id']}"),
                    headers={**admin, "X-Request-ID": "card-req-42"})
    assert card.status_code == 200, card.text
    assert card.headers["X-Request-ID"] == "card-req-42"
    body = card.json()
    assert body.pop("registered_at").startswith(("20", "19"))
    assert body == {"orders_closed": 3, "orders_cancelled": 1, "reviews_left": 2,
                    "complaints_from_sellers": 1}
    # The caller's identity and request id reached the service as Nameko context data.
    assert "request_id=card-req-42" in platform.logs()
    assert "roles=['admin']" in platform.logs()


def test_a_service_forbidding_the_caller_is_403(gateway_server, http):
    customer = register(gateway_server, http)
    seller = register(gateway_server, http, role="seller")
    response = http.get(gateway_server.api(f"/customers/{customer['id']}"),
                        headers=bearer(gateway_server, http, seller["email"], seller["password"]))
    assert response.status_code == 403
    assert response.json()["code"] == "not_your_customer"


def test_an_unknown_customer_is_404(gateway_server, http):
    admin = bearer(gateway_server, http, gateway_server.admin_email, gateway_server.admin_password)
    response = http.get(gateway_server.api(f"/customers/{uuid.uuid4()}"), headers=admin)
    assert response.status_code == 404


@pytest.mark.parametrize(("body", "content_type", "status"), [
    (b'{"email": "x@example.com", "password": ', "application/json", 400),
    (b'{"email": "x@example.com", "password": 123456789, "name": "N", "role": "buyer"}',
     "application/json", 422),
    (b'{"email": "x@example.com", "password": "long enough", "name": "N", "role": "buyer",'
     b' "is_admin": true}', "application/json", 422),
    (b"email=x@example.com&password=long+enough", "application/x-www-form-urlencoded", 415),
    (b'{"pad": "' + b"x" * (1024 * 1024) + b'"}', "application/json", 413),
])
def test_bad_bodies_answer_a_problem_and_write_nothing(gateway_server, http, body, content_type,
                                                       status):
    before = gateway_server.user_count()
    response = http.post(gateway_server.api("/auth/register"), data=body,
                         headers={"Content-Type": content_type})
    assert response.status_code == status
    assert response.headers["Content-Type"] == PROBLEM
    problem = response.json()
    assert {"type", "title", "status", "detail", "errors"} <= set(problem)
    assert problem["status"] == status
    if status == 422:
        assert problem["errors"]
    assert gateway_server.user_count() == before


def test_every_response_carries_a_request_id(gateway_server, http):
    assert http.get(f"{gateway_server.url}/health",
                    headers={"X-Request-ID": "mine-1"}).headers["X-Request-ID"] == "mine-1"
    assert http.get(gateway_server.api("/nowhere")).headers["X-Request-ID"]


def test_passwords_never_appear_in_responses_or_logs(gateway_server, http):
    secret_words = [f"pw-{uuid.uuid4().hex}" for _ in range(3)]
    user = register(gateway_server, http, password=secret_words[0])
    responses = [
        login(gateway_server, http, user["email"], secret_words[0]),
        login(gateway_server, http, user["email"], secret_words[1]),
        http.post(gateway_server.api("/auth/register"),
                  json={"email": "bad", "password": secret_words[2], "name": "", "role": "x"}),
    ]
    assert [r.status_code for r in responses] == [200, 401, 422]
    logs = gateway_server.logs()
    assert "gateway.access" in logs  # the log is there to search
    for word in secret_words:
        assert word not in logs
        assert all(word not in r.text for r in responses)
