from .conftest import register, token_for


def test_register_then_login_then_me(client):
    created = register(client)
    assert created.status_code == 201
    assert created.get_json()["roles"] == ["buyer"]
    assert "password" not in created.get_data(as_text=True)

    me = client.get("/api/v1/me", headers=token_for(client))
    assert me.status_code == 200
    assert me.get_json() == {"id": created.get_json()["id"], "email": "ann@example.com",
                             "name": "Ann", "roles": ["buyer"]}


def test_email_is_case_insensitive_and_taken_once(client):
    register(client)
    again = register(client, email="ANN@example.com")
    assert again.status_code == 409
    assert again.mimetype == "application/problem+json"
    assert again.get_json()["code"] == "email_taken"


def test_register_refuses_admin_and_unknown_fields(client):
    response = register(client, role="admin", is_admin=True)
    assert response.status_code == 422
    assert set(response.get_json()["errors"]) == {"role", "is_admin"}


def test_wrong_password_is_401_and_repeated_failures_lock_the_account(client):
    register(client)
    for _ in range(3):
        wrong = client.post("/api/v1/auth/login",
                            json={"email": "ann@example.com", "password": "nope"})
        assert wrong.status_code == 401
    locked = client.post("/api/v1/auth/login",
                         json={"email": "ann@example.com", "password": "correct horse"})
    assert locked.status_code == 429
    assert int(locked.headers["Retry-After"]) > 0


def test_throttling_is_per_account(client):
    register(client)
    register(client, email="bob@example.com")
    for _ in range(3):
        client.post("/api/v1/auth/login", json={"email": "ann@example.com", "password": "nope"})
    assert token_for(client, email="bob@example.com")


def test_a_seller_sees_their_shop_from_the_catalog(client, fake_services):
    register(client, role="seller")
    fake_services.answers[("catalog", "seller_shop")] = lambda seller_id: {
        "shop_id": "5f1c1b6e-3b0a-4a8e-9a59-0c1f7c1d2e3f"}
    me = client.get("/api/v1/me", headers=token_for(client)).get_json()
    assert me["shop_id"] == "5f1c1b6e-3b0a-4a8e-9a59-0c1f7c1d2e3f"
    service, method, args, context = fake_services.calls[-1]
    assert (service, method, args) == ("catalog", "seller_shop", (me["id"],))
    assert context["user_id"] == me["id"] and context["roles"] == ["seller"]
    assert context["request_id"]


def test_customer_card_joins_registration_with_orders_and_moderation(client, fake_services):
    customer = register(client).get_json()
    register(client, email="sam@example.com", role="seller")
    fake_services.answers[("orders", "customer_stats")] = {
        "orders_closed": 4, "orders_cancelled": 1, "reviews_left": 2}
    fake_services.answers[("moderation", "customer_stats")] = {"complaints_from_sellers": 3}
    card = client.get(f"/api/v1/customers/{customer['id']}",
                      headers=token_for(client, email="sam@example.com"))
    assert card.status_code == 200
    body = card.get_json()
    assert body.pop("registered_at").endswith("+00:00")
    assert body == {"orders_closed": 4, "orders_cancelled": 1, "reviews_left": 2,
                    "complaints_from_sellers": 3}


def test_a_buyer_may_not_read_a_customer_card(client, fake_services):
    customer = register(client).get_json()
    response = client.get(f"/api/v1/customers/{customer['id']}", headers=token_for(client))
    assert response.status_code == 403
    assert fake_services.calls == []
