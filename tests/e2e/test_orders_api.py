"""Cart, checkout and orders over HTTP: the gateway in front of the real catalog, shipping and orders
services, with the relay running so events (order.placed, shipment.created, ...) reach their
consumers. Every test makes its own users, shops and products, so they share one running system per
module and backend."""

from __future__ import annotations

import os
import uuid

import pytest
import requests
from nameko.exceptions import RemoteError
from nameko.standalone.rpc import ClusterRpcProxy

from gateway.identity import create_admin
from tests.support.api import Api, User
from tests.support.harness import wait_for
from tests.support.tap import EventTap

pytestmark = pytest.mark.integration

RUB = "RUB"
PROBLEM = "application/problem+json"
ADDRESS = {"full_name": "Anna Petrova", "phone": "+79990000000", "country": "RU",
           "region": "Moscow", "city": "Moscow", "line1": "Tverskaya 1", "postal_code": "125009"}


def rub(amount: int) -> dict:
    return {"amount": amount, "currency": RUB}


@pytest.fixture(scope="module")
def gateway(system):
    fast = {"EVENT_RETRY_BACKOFF_MS": "200"}
    for service in ("catalog", "shipping", "orders"):
        system.start(service, env=fast, wait=False)
    for proc, service in zip(system.processes, ("catalog", "shipping", "orders"), strict=True):
        proc.wait_healthy(service)
    system.relay("orders", "catalog", "shipping")
    return system.gateway()


@pytest.fixture(scope="module")
def api(gateway):
    client = Api(gateway)
    yield client
    client.close()


@pytest.fixture(scope="module")
def admin(gateway, api) -> User:
    email, password = f"admin-{uuid.uuid4().hex[:8]}@atelier.test", "admin-password-1"
    created = create_admin(email, password, "Root",
                           database_url=gateway.env["GATEWAY_DATABASE_URL"])
    token = api.call("POST", "/auth/login", json={"email": email, "password": password})
    assert token.status_code == 200, token.text
    return User(created["id"], email, token.json()["access_token"], created["roles"])


# Shops and products, through the catalog's routes --------------------------------------------------
def open_shop(api, seller: User, products: list[dict], shop: dict | None = None,
              **rules) -> tuple[str, list[dict]]:
    """A shop of `seller` (with `shop`'s fields) with these products (each body's fields over a
    1,000 ₽ tracked mug)."""
    body = {"name": "Clay and fire", "currency": RUB, **({"rules": rules} if rules else {}),
            **(shop or {})}
    shop = ok(api.call("POST", "/shops", seller, json=body), 201)
    made = [ok(api.call("POST", f"/shops/{shop['id']}/products", seller, json={
        "title": "Mug with a fox", "description": "Stoneware, glazed by hand.",
        "category": "ceramics", "price": 100000, "weight_grams": 400,
        "stock": {"mode": "tracked", "quantity": 5}, **product,
    }), 201) for product in products]
    return shop["id"], made


def available(api, seller: User, product_id: str) -> int:
    """Units still to be had, as the product's owner sees them."""
    return ok(api.call("GET", f"/products/{product_id}", seller))["stock"]["quantity"]


def rpc_as(system, user: User | None) -> ClusterRpcProxy:
    """The services called directly with this user's identity, as the gateway calls them."""
    context = {"user_id": user.id, "roles": list(user.roles)} if user else {}
    return ClusterRpcProxy({"AMQP_URI": system.amqp_uri}, context_data=context)


# Over HTTP ----------------------------------------------------------------------------------------
def delivery_method(api, seller: User, shop_id: str, rate: dict, name: str = "Courier") -> str:
    created = api.call("POST", f"/shops/{shop_id}/delivery-methods", seller, json={
        "name": name, "carrier": "courier", "rate": rate})
    assert created.status_code == 201, created.text
    return created.json()["id"]


def fixed(cost: int) -> dict:
    return {"basis": "fixed", "tiers": [{"from": 0, "cost": cost}]}


def add_to_cart(api, buyer: User, product_id: str, quantity: int, options=None) -> dict:
    body = {"product_id": product_id, "quantity": quantity}
    if options:
        body["options"] = options
    added = api.call("POST", "/cart/items", buyer, json=body)
    assert added.status_code == 201, added.text
    return added.json()


def checkout_body(*shops: tuple[str, str], **extra) -> dict:
    return {"shipping_address": ADDRESS, "accept_rules": True,
            "shops": [{"shop_id": s, "delivery_method_id": m} for s, m in shops], **extra}


def checkout(api, buyer: User | None, body: dict, key: str | None = None):
    return api.call("POST", "/checkout", buyer, json=body,
                    headers={"Idempotency-Key": key or str(uuid.uuid4())})


def place_order(api, seller: User, buyer: User, **product) -> tuple[dict, dict]:
    """One 1,000 ₽ mug (or `product`) ordered with a 300 ₽ courier: the order and the product."""
    shop_id, [mug] = open_shop(api, seller, [product])
    courier = delivery_method(api, seller, shop_id, fixed(30000))
    add_to_cart(api, buyer, mug["id"], 1)
    placed = checkout(api, buyer, checkout_body((shop_id, courier)))
    assert placed.status_code == 201, placed.text
    [order] = placed.json()["orders"]
    return order, mug


def order_count(api, buyer: User) -> int:
    listed = api.call("GET", "/orders", buyer)
    assert listed.status_code == 200, listed.text
    return listed.json()["total"]


def ok(response, status: int = 200) -> dict:
    assert response.status_code == status, response.text
    return response.json()


def remote_type(error: BaseException) -> str:
    """The service's error type: Nameko raises a RemoteError naming it, or the type itself where
    a module of this process has registered the type with Nameko."""
    return error.exc_type if isinstance(error, RemoteError) else type(error).__name__


def problem(response, status: int) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"] == PROBLEM
    return response.json()


# Checkout -----------------------------------------------------------------------------------------
def test_a_cart_from_two_shops_checks_out_into_two_orders_and_a_replay_creates_nothing(
    system, api
):
    clay, wood, buyer = api.register("seller"), api.register("seller"), api.register("buyer")
    clay_shop, [mug] = open_shop(api, clay, [{
        "price": 100000, "discount_percent": 10,
        "options": [{"name": "Colour", "kind": "select", "required": True,
                     "variants": [{"label": "Red", "price_delta": 2000}, {"label": "White"}]}],
    }])
    wood_shop, [spoon] = open_shop(api, wood, [{
        "title": "Carved spoon", "price": 10000, "stock": {"mode": "untracked"},
        "wholesale": [{"min_quantity": 3, "percent_off": 20}],
    }])
    courier = delivery_method(api, clay, clay_shop, fixed(30000))
    # by the items' price: 400 ₽ below 200 ₽ of goods, 150 ₽ from there
    by_price = delivery_method(api, wood, wood_shop, {
        "basis": "price", "tiers": [{"from": 0, "cost": 40000}, {"from": 20000, "cost": 15000}]})
    colour = mug["options"][0]
    red = {colour["id"]: colour["variants"][0]["id"]}

    first = add_to_cart(api, buyer, mug["id"], 1, red)
    add_to_cart(api, buyer, mug["id"], 1, red)  # the same product and options add up
    add_to_cart(api, buyer, spoon["id"], 3)
    cart = ok(api.call("GET", "/cart", buyer))
    assert [(g["shop_id"], g["subtotal"]) for g in cart["groups"]] == [
        (clay_shop, rub(183600)), (wood_shop, rub(24000))]
    [mugs] = cart["groups"][0]["items"]
    assert (mugs["id"], mugs["quantity"], mugs["unit_price"]) == (first["id"], 2, rub(91800))

    body = checkout_body((clay_shop, courier), (wood_shop, by_price), comment="Gift wrap",
                         source={"utm_source": "instagram"})
    key = str(uuid.uuid4())
    placed = ok(checkout(api, buyer, body, key), 201)

    mug_order, spoon_order = placed["orders"]
    # (1,000 ₽ + 20 ₽ red) − 10 % = 918 ₽ a mug, two of them; the courier 300 ₽
    [line] = mug_order["lines"]
    assert (line["product_id"], line["quantity"], line["unit_price"], line["total"]) == (
        mug["id"], 2, rub(91800), rub(183600))
    assert [(o["name"], [v["label"] for v in o["variants"]]) for o in line["options"]] == [
        ("Colour", ["Red"])]
    assert mug_order["totals"] == {"items": rub(183600), "delivery": rub(30000),
                                   "discount": rub(0), "surcharge": rub(0),
                                   "grand_total": rub(213600)}
    # three spoons at the 20 % wholesale tier: 240 ₽, delivered for 150 ₽
    assert spoon_order["lines"][0]["unit_price"] == rub(8000)
    assert spoon_order["totals"] == {"items": rub(24000), "delivery": rub(15000),
                                     "discount": rub(0), "surcharge": rub(0),
                                     "grand_total": rub(39000)}
    for order, shop in ((mug_order, clay_shop), (spoon_order, wood_shop)):
        assert (order["status"], order["shop_id"], order["buyer_id"]) == ("placed", shop, buyer.id)
        assert [(h["by"], h["from"], h["to"]) for h in order["history"]] == [
            ("buyer", None, "placed")]
        assert "source" not in order and "notes" not in order
    assert ok(api.call("GET", "/cart", buyer)) == {"groups": []}
    assert available(api, clay, mug["id"]) == 3

    # The same Idempotency-Key again: the same orders, nothing new, no more stock taken
    again = ok(checkout(api, buyer, body, key), 201)
    assert [o["id"] for o in again["orders"]] == [mug_order["id"], spoon_order["id"]]
    assert again == placed  # as written (the first answer) and as read back (the replay)
    assert order_count(api, buyer) == 2
    assert available(api, clay, mug["id"]) == 3
    reused = problem(checkout(api, buyer, {**body, "comment": "changed"}, key), 409)
    assert reused["code"] == "idempotency_key_reused"
    assert order_count(api, buyer) == 2

    # The seller sees where the buyer came from; the buyer's list shows two placed orders
    seen = ok(api.call("GET", f"/orders/{mug_order['id']}", clay))
    assert seen["source"] == {"utm_source": "instagram"} and seen["notes"] == []
    listed = ok(api.call("GET", "/orders?tab=open", buyer))
    assert sorted(o["id"] for o in listed["items"]) == sorted(
        [mug_order["id"], spoon_order["id"]])
    assert (listed["page"], listed["per_page"], listed["total"]) == (1, 20, 2)
    assert ok(api.call("GET", "/orders?tab=complete", buyer))["total"] == 0


def test_a_checkout_without_an_idempotency_key_is_refused_with_428_and_writes_nothing(
    system, api
):
    seller, buyer = api.register("seller"), api.register("buyer")
    shop_id, [mug] = open_shop(api, seller, [{}])
    courier = delivery_method(api, seller, shop_id, fixed(30000))
    add_to_cart(api, buyer, mug["id"], 1)
    body = checkout_body((shop_id, courier))

    for headers in ({}, {"Idempotency-Key": ""}):
        refused = problem(api.call("POST", "/checkout", buyer, json=body, headers=headers), 428)
        assert "Idempotency-Key" in refused["detail"]
        assert list(refused["errors"]) == ["Idempotency-Key"]
    # the header is asked for before the body is read
    assert problem(api.call("POST", "/checkout", buyer, json={"nonsense": 1}), 428)
    assert order_count(api, buyer) == 0
    assert [len(g["items"]) for g in ok(api.call("GET", "/cart", buyer))["groups"]] == [1]
    # the orders service, called directly, refuses the same (otherwise valid) body without a key
    with rpc_as(system, buyer) as rpc, pytest.raises(Exception) as no_key:  # noqa: PT011
        rpc.orders.checkout(body)
    assert remote_type(no_key.value) == "Invalid"
    assert order_count(api, buyer) == 0

    # A guest: the same key and body give the same orders (and link), another body a 409
    guest = {**checkout_body((shop_id, courier)),
             "guest": {"email": "guest-key@atelier.test", "name": "Ivan", "phone": "+7999"}}
    guest["shops"][0]["items"] = [{"product_id": mug["id"], "quantity": 1}]
    problem(api.call("POST", "/checkout", json=guest), 428)
    first = ok(checkout(api, None, guest, "guest-key-1"), 201)
    assert ok(checkout(api, None, guest, "guest-key-1"), 201) == first
    changed = {**guest, "comment": "changed"}
    assert problem(checkout(api, None, changed, "guest-key-1"), 409)["code"] == \
        "idempotency_key_reused"
    assert available(api, seller, mug["id"]) == 4


def test_the_contact_method_is_one_the_shop_offers_and_never_site_chat_for_a_guest(system, api):
    seller, buyer = api.register("seller"), api.register("buyer")
    shop_id, [mug] = open_shop(api, seller, [{}],
                               shop={"contact_methods": ["email", "phone_call", "site_chat"]})
    courier = delivery_method(api, seller, shop_id, fixed(30000))
    add_to_cart(api, buyer, mug["id"], 1)

    refused = problem(checkout(api, buyer, checkout_body((shop_id, courier),
                                                         contact_method="sms")), 422)
    assert list(refused["errors"]) == ["contact_method"]
    assert order_count(api, buyer) == 0 and available(api, seller, mug["id"]) == 5
    assert [len(g["items"]) for g in ok(api.call("GET", "/cart", buyer))["groups"]] == [1]
    [order] = ok(checkout(api, buyer, checkout_body((shop_id, courier),
                                                    contact_method="site_chat")), 201)["orders"]
    assert order["contact_method"] == "site_chat"

    # A guest has no site chat, even where the shop offers it; the shop's other methods will do
    guest = {**checkout_body((shop_id, courier), contact_method="site_chat"),
             "guest": {"email": "guest-chat@atelier.test", "name": "Ivan", "phone": "+7999"}}
    guest["shops"][0]["items"] = [{"product_id": mug["id"], "quantity": 1}]
    refused = problem(checkout(api, None, guest), 422)
    assert list(refused["errors"]) == ["contact_method"]
    assert available(api, seller, mug["id"]) == 4
    [order] = ok(checkout(api, None, {**guest, "contact_method": "phone_call"}), 201)["orders"]
    assert order["contact_method"] == "phone_call"

    # A shop that lists no contact methods offers them all
    open_id, [bowl] = open_shop(api, seller := api.register("seller"), [{"title": "Bowl"}])
    courier = delivery_method(api, seller, open_id, fixed(30000))
    add_to_cart(api, buyer, bowl["id"], 1)
    ok(checkout(api, buyer, checkout_body((open_id, courier), contact_method="whatsapp_viber")),
       201)


def test_a_vacation_without_cart_closes_the_checkout_of_lines_added_before_it(system, api):
    seller, buyer = api.register("seller"), api.register("buyer")
    shop_id, [mug] = open_shop(api, seller, [{}])
    courier = delivery_method(api, seller, shop_id, fixed(30000))
    add_to_cart(api, buyer, mug["id"], 1)
    vacation = {"message": "Back in a week", "starts_on": "2020-01-01", "ends_on": "2099-01-01"}
    ok(api.call("PUT", f"/shops/{shop_id}/vacation", seller,
                json={**vacation, "allow_cart": False}))
    guest = {**checkout_body((shop_id, courier)),
             "guest": {"email": "guest-away@atelier.test", "name": "Ivan", "phone": "+7999"}}
    guest["shops"][0]["items"] = [{"product_id": mug["id"], "quantity": 1}]

    for who, body in ((buyer, checkout_body((shop_id, courier))), (None, guest)):
        refused = problem(checkout(api, who, body), 409)
        assert refused["code"] == "shop_on_vacation" and shop_id in refused["detail"]
        assert list(refused["errors"]) == ["shops.0.shop_id"]
        assert "Back in a week" in refused["errors"]["shops.0.shop_id"][0]
    assert order_count(api, buyer) == 0 and available(api, seller, mug["id"]) == 5
    assert [len(g["items"]) for g in ok(api.call("GET", "/cart", buyer))["groups"]] == [1]

    # a vacation that keeps the cart open takes orders; so does the shop once back
    ok(api.call("PUT", f"/shops/{shop_id}/vacation", seller,
                json={**vacation, "allow_cart": True}))
    ok(checkout(api, None, guest), 201)
    ok(api.call("DELETE", f"/shops/{shop_id}/vacation", seller))
    ok(checkout(api, buyer, checkout_body((shop_id, courier))), 201)


def test_a_line_gone_out_of_stock_refuses_the_checkout_naming_it_and_takes_nothing(system, api):
    seller, buyer, rival = api.register("seller"), api.register("buyer"), api.register("buyer")
    shop_id, [bowl, vase] = open_shop(api, seller, [
        {"title": "Bowl", "stock": {"mode": "tracked", "quantity": 10}},
        {"title": "Vase", "stock": {"mode": "tracked", "quantity": 2}},
    ])
    courier = delivery_method(api, seller, shop_id, fixed(30000))
    add_to_cart(api, buyer, bowl["id"], 3)
    add_to_cart(api, buyer, vase["id"], 2)
    add_to_cart(api, rival, vase["id"], 1)
    ok(checkout(api, rival, checkout_body((shop_id, courier))), 201)

    refused = problem(checkout(api, buyer, checkout_body((shop_id, courier))), 409)

    assert refused["code"] == "out_of_stock"
    [short] = refused["errors"]["lines"]
    assert (short["product_id"], int(short["requested"]), int(short["available"])) == (
        vase["id"], 2, 1)
    assert order_count(api, buyer) == 0
    assert available(api, seller, bowl["id"]) == 10
    assert available(api, seller, vase["id"]) == 1
    assert [len(g["items"]) for g in ok(api.call("GET", "/cart", buyer))["groups"]] == [2]


def test_a_buyer_changes_and_empties_the_cart_which_checks_availability(system, api):
    seller, buyer, other = api.register("seller"), api.register("buyer"), api.register("buyer")
    shop_id, [vase] = open_shop(api, seller, [{"title": "Vase", "price": 50000,
                                                  "stock": {"mode": "tracked", "quantity": 3}}])
    item = add_to_cart(api, buyer, vase["id"], 1)
    assert (item["product_id"], item["available"], item["total"]) == (vase["id"], True,
                                                                      rub(50000))

    changed = ok(api.call("PATCH", f"/cart/items/{item['id']}", buyer, json={"quantity": 3}))
    assert (changed["quantity"], changed["total"]) == (3, rub(150000))
    assert problem(api.call("PATCH", f"/cart/items/{item['id']}", buyer, json={"quantity": 4}),
                   409)["code"] == "out_of_stock"
    assert problem(api.call("POST", "/cart/items", buyer,
                            json={"product_id": vase["id"], "quantity": 1}), 409)
    problem(api.call("PATCH", f"/cart/items/{item['id']}", other, json={"quantity": 1}), 404)
    problem(api.call("DELETE", f"/cart/items/{item['id']}", other), 404)
    assert ok(api.call("GET", "/cart", buyer))["groups"][0]["subtotal"] == rub(150000)

    removed = api.call("DELETE", f"/cart/items/{item['id']}", buyer)
    assert removed.status_code == 204 and removed.content == b""
    assert ok(api.call("GET", "/cart", buyer)) == {"groups": []}
    problem(api.call("DELETE", f"/cart/items/{item['id']}", buyer), 404)


def test_a_product_that_does_not_exist_or_is_disabled_cannot_be_put_in_the_cart(system, api):
    seller, buyer = api.register("seller"), api.register("buyer")
    shop_id, [mug, vase] = open_shop(api, seller, [{}, {"title": "Vase"}])
    assert api.call("DELETE", f"/products/{vase['id']}", seller).status_code in (200, 204)

    for product_id in (str(uuid.uuid4()), vase["id"]):
        refused = problem(api.call("POST", "/cart/items", buyer,
                                   json={"product_id": product_id, "quantity": 1}), 404)
        assert refused["code"] == "product_not_found"

    assert ok(api.call("GET", "/cart", buyer)) == {"groups": []}
    add_to_cart(api, buyer, mug["id"], 1)


def test_the_seller_prices_a_delivery_it_quotes_after_the_order(system, api):
    seller, buyer = api.register("seller"), api.register("buyer")
    shop_id, [mug] = open_shop(api, seller, [{}])
    methods = ok(api.call("GET", f"/shops/{shop_id}/delivery-methods"))["items"]
    other = next(m["id"] for m in methods if m["universal"] and m["name"] == "Other")
    add_to_cart(api, buyer, mug["id"], 1)
    [order] = ok(checkout(api, buyer, checkout_body((shop_id, other))), 201)["orders"]
    assert order["totals"]["delivery"] is None
    assert order["totals"]["grand_total"] == rub(100000)
    path = f"/orders/{order['id']}"
    problem(api.call("POST", f"{path}/start-production", seller), 409)

    quoted = ok(api.call("POST", f"{path}/delivery-cost", seller, json={"cost": 35000}))

    assert quoted["totals"]["delivery"] == rub(35000)
    assert quoted["totals"]["grand_total"] == rub(135000)
    assert ok(api.call("GET", path, buyer))["totals"] == quoted["totals"]
    assert ok(api.call("POST", f"{path}/cancel", seller,
                       json={"reason": "cannot make it"}))["status"] == "cancelled"
    wait_for(lambda: available(api, seller, mug["id"]) == 5,
             message="the catalog to take the stock back")


def test_a_guest_checks_out_without_an_account_and_reads_the_order_by_its_link(system, api):
    seller = api.register("seller")
    shop_id, [mug] = open_shop(api, seller, [{}])
    courier = delivery_method(api, seller, shop_id, fixed(30000))
    body = {**checkout_body((shop_id, courier)),
            "guest": {"email": "guest@atelier.test", "name": "Ivan", "phone": "+79991112233"}}
    body["shops"][0]["items"] = [{"product_id": mug["id"], "quantity": 2}]

    placed = ok(checkout(api, None, body), 201)

    [order] = placed["orders"]
    assert order["buyer_id"] is None and order["totals"]["grand_total"] == rub(230000)
    token = placed["access_token"]
    assert placed["order_links"] == [f"/api/v1/orders/{order['id']}?access={token}"]
    read = ok(api.call("GET", f"/orders/{order['id']}", params={"access": token}))
    assert read["id"] == order["id"] and read["guest"]["email"] == "guest@atelier.test"
    assert "access_token" not in read
    problem(api.call("GET", f"/orders/{order['id']}"), 401)
    problem(api.call("GET", f"/orders/{order['id']}", params={"access": "forged"}), 404)
    # the seller sees the guest's contacts instead of a chat
    assert ok(api.call("GET", f"/orders/{order['id']}", seller))["guest"]["phone"] == \
        "+79991112233"
    assert problem(api.call("POST", f"/orders/{order['id']}/messages", seller,
                            json={"text": "Hello"}), 409)["code"] == "guest_order"


def guest_order(api, seller: User, shop_id: str, courier: str, product_id: str) -> tuple[dict, str]:
    """A guest's order of one unit: the order and its link's token."""
    body = {**checkout_body((shop_id, courier)),
            "guest": {"email": "guest@atelier.test", "name": "Ivan", "phone": "+79991112233"}}
    body["shops"][0]["items"] = [{"product_id": product_id, "quantity": 1}]
    placed = ok(checkout(api, None, body), 201)
    [order] = placed["orders"]
    return order, placed["access_token"]


def test_the_guest_s_order_link_cancels_before_confirmation_and_accepts_the_goods(system, api):
    seller = api.register("seller")
    shop_id, [mug] = open_shop(api, seller, [{}])
    courier = delivery_method(api, seller, shop_id, fixed(30000))
    first, token = guest_order(api, seller, shop_id, courier, mug["id"])
    second, other_token = guest_order(api, seller, shop_id, courier, mug["id"])
    path = f"/orders/{first['id']}"

    # a wrong token (or another order's) is a 404; no token at all a 401
    for access in ("forged", other_token):
        problem(api.call("POST", f"{path}/cancel", params={"access": access}), 404)
    problem(api.call("POST", f"{path}/cancel", json={"reason": "x"}), 401)
    problem(api.call("POST", f"{path}/cancel", params={"access": "forged"},
                     json={"reason": "x", "refund": 1}), 404)
    cancelled = ok(api.call("POST", f"{path}/cancel", params={"access": token},
                            json={"reason": "ordered by mistake"}))
    assert cancelled["status"] == "cancelled"
    assert [(h["by"], h["to"]) for h in cancelled["history"]][-1] == ("buyer", "cancelled")

    # once the seller has confirmed, the link no longer cancels; it accepts the goods when shipped
    path = f"/orders/{second['id']}"
    link = {"access": other_token}
    ok(api.call("POST", f"{path}/confirm", seller))
    assert problem(api.call("POST", f"{path}/cancel", params=link), 403)["code"] == "wrong_role"
    ok(api.call("POST", f"{path}/mark-paid", seller))
    problem(api.call("POST", f"{path}/receive", params=link), 409)
    ok(api.call("POST", f"{path}/shipments", seller, json={
        "carrier": "russian_post", "tracking_number": "RA123456789RU", "notify_buyer": True}), 201)
    wait_for(lambda: ok(api.call("GET", path, params=link))["status"] == "shipped",
             message="the order to be shipped")
    problem(api.call("POST", f"{path}/receive", params={"access": token}), 404)
    assert ok(api.call("POST", f"{path}/receive", params=link))["status"] == "received"

    # the link does nothing else: no chat, no review, no seller's moves
    for method, route, body in (("POST", "/messages", {"text": "Hi"}), ("GET", "/messages", None),
                                ("POST", "/review", {"rating": 5, "text": "Lovely"}),
                                ("POST", "/complete", None), ("POST", "/confirm", None)):
        problem(api.call(method, f"{path}{route}", params=link, json=body), 401)
    assert ok(api.call("GET", path, params=link))["status"] == "received"


# Who sees what ------------------------------------------------------------------------------------
def test_an_order_is_seen_by_its_buyer_and_its_shop_only_and_notes_stay_the_sellers(system, api):
    seller, buyer = api.register("seller"), api.register("buyer")
    order, _ = place_order(api, seller, buyer)
    stranger, other_seller = api.register("buyer"), api.register("seller")
    open_shop(api, other_seller, [])
    path = f"/orders/{order['id']}"

    for outsider in (stranger, other_seller):
        assert problem(api.call("GET", path, outsider), 404)["code"] == "order_not_found"
    assert problem(api.call("POST", f"{path}/confirm", other_seller), 404)
    # the order is checked before the body: a broken body on someone else's order is still 404
    problem(api.call("POST", f"{path}/notes", other_seller, json={"nonsense": 1}), 404)
    assert ok(api.call("GET", "/orders?as=seller", other_seller))["total"] == 0
    problem(api.call("GET", f"/orders/{uuid.uuid4()}", buyer), 404)

    secret = "Regular customer, haggles a lot"
    note = ok(api.call("POST", f"{path}/notes", seller, json={"text": "Regular customer"}), 201)
    changed = ok(api.call("PATCH", f"{path}/notes/{note['id']}", seller, json={"text": secret}))
    assert changed["text"] == secret
    notes = ok(api.call("GET", f"{path}/notes", seller))
    assert ([n["text"] for n in notes["items"]], notes["total"]) == ([secret], 1)
    assert [n["text"] for n in ok(api.call("GET", path, seller))["notes"]] == [secret]
    assert [n["text"] for n in ok(api.call("GET", "/orders?as=seller", seller))["items"][0]
            ["notes"]] == [secret]

    buyer_payloads = [api.call("GET", path, buyer), api.call("GET", "/orders", buyer),
                      api.call("GET", "/orders?as=buyer&tab=open", buyer),
                      api.call("POST", f"{path}/cancel", buyer)]
    for response in buyer_payloads:
        assert response.status_code == 200, response.text
        assert secret not in response.text and '"notes"' not in response.text
        assert '"source"' not in response.text
    problem(api.call("GET", f"{path}/notes", buyer), 403)
    problem(api.call("POST", f"{path}/notes", buyer, json={"text": "x"}), 403)


# The lifecycle ------------------------------------------------------------------------------------
def test_an_order_goes_from_placed_to_completed_with_a_tracked_shipment_and_a_review(system, api):
    seller, buyer = api.register("seller"), api.register("buyer", name="Maria Ivanova")
    order, mug = place_order(api, seller, buyer)
    path = f"/orders/{order['id']}"

    assert ok(api.call("POST", f"{path}/confirm", seller))["status"] == "confirmed"
    ok(api.call("POST", f"{path}/messages", seller, json={"text": "Shipping on Monday."}), 201)
    ok(api.call("POST", f"{path}/messages", buyer, json={"text": "Great"}), 201)
    messages = ok(api.call("GET", f"{path}/messages", buyer))
    assert [(m["sender_role"], m["text"]) for m in messages["items"]] == [
        ("seller", "Shipping on Monday."), ("buyer", "Great")]
    assert problem(api.call("POST", f"{path}/shipments", seller,
                            json={"carrier": "russian_post"}), 409)["code"] == "wrong_state"
    assert ok(api.call("POST", f"{path}/mark-paid", seller))["status"] == "paid"
    problem(api.call("POST", f"{path}/shipments", seller,
                     json={"carrier": "russian_post", "tracking_number": "12345"}), 422)

    shipment = ok(api.call("POST", f"{path}/shipments", seller, json={
        "carrier": "russian_post", "tracking_number": "RA123456789RU", "notify_buyer": True}), 201)

    assert (shipment["order_id"], shipment["carrier"], shipment["tracking_number"]) == (
        order["id"], "russian_post", "RA123456789RU")
    assert "RA123456789RU" in shipment["tracking_url"]
    with rpc_as(system, seller) as rpc:
        assert rpc.shipping.list_shipments(order["id"])["items"] == [shipment]
    shipped = wait_for(lambda: (o := ok(api.call("GET", path, buyer)))["status"] == "shipped" and o,
                       message="the order to be shipped")
    [track] = shipped["shipments"]
    assert (track["carrier"], track["tracking_number"], track["tracking_url"]) == (
        "russian_post", "RA123456789RU", shipment["tracking_url"])
    assert problem(api.call("POST", f"{path}/review", buyer,
                            json={"rating": 5, "text": "Lovely"}), 409)["code"] == "wrong_state"
    assert ok(api.call("POST", f"{path}/receive", buyer))["status"] == "received"
    review = ok(api.call("POST", f"{path}/review", buyer, json={"rating": 5, "text": "Lovely"}),
                201)
    assert (review["rating"], review["buyer_name"], review["product_ids"]) == (
        5, "Maria", [mug["id"]])
    assert problem(api.call("POST", f"{path}/review", buyer, json={"rating": 4, "text": "Again"}),
                   409)["code"] == "already_reviewed"
    done = ok(api.call("POST", f"{path}/complete", seller))

    assert done["status"] == "completed"
    assert [(h["by"], h["from"], h["to"]) for h in done["history"] if h["from"] != h["to"]] == [
        ("buyer", None, "placed"), ("seller", "placed", "confirmed"),
        ("seller", "confirmed", "paid"), ("seller", "paid", "shipped"),
        ("buyer", "shipped", "received"), ("seller", "received", "completed")]
    assert ok(api.call("GET", "/orders?tab=complete", buyer))["total"] == 1
    with rpc_as(system, None) as rpc:
        assert ok(api.call("GET", f"/shops/{order['shop_id']}/reviews")) == \
            rpc.orders.shop_reviews(order["shop_id"])
    for reviews in (api.call("GET", f"/shops/{order['shop_id']}/reviews"),
                    api.call("GET", f"/products/{mug['id']}/reviews")):
        page = ok(reviews)
        assert (page["total"], page["average_rating"]) == (1, 5.0)
        assert [(r["text"], r["buyer_name"]) for r in page["items"]] == [("Lovely", "Maria")]


def test_an_amount_change_applies_before_payment_and_goes_to_the_admin_after(
    system, api, admin
):
    seller, buyer = api.register("seller"), api.register("buyer")
    order, _ = place_order(api, seller, buyer)
    path = f"/orders/{order['id']}"
    ok(api.call("POST", f"{path}/confirm", seller))

    applied = ok(api.call("POST", f"{path}/amount", seller,
                          json={"amount": 90000, "reason": "agreed discount"}))
    assert applied["totals"]["items"] == rub(90000)
    assert applied["totals"]["grand_total"] == rub(120000)
    assert any("amount_changed" in (h["reason"] or "") for h in applied["history"])
    ok(api.call("POST", f"{path}/mark-paid", seller))

    requested = api.call("POST", f"{path}/amount", seller,
                         json={"amount": 80000, "reason": "chipped glaze"})
    request = ok(requested, 202)
    assert (request["order_id"], request["amount"], request["status"]) == (
        order["id"], rub(80000), "pending")
    assert ok(api.call("GET", path, buyer))["totals"]["grand_total"] == rub(120000)
    problem(api.call("GET", "/admin/amount-requests", seller), 403)
    queue = ok(api.call("GET", "/admin/amount-requests", admin))
    assert request in queue["items"]
    with rpc_as(system, admin) as rpc:
        assert queue == rpc.orders.list_amount_requests({})

    decided = ok(api.call("POST", f"/admin/amount-requests/{request['id']}/approve", admin))
    assert decided["status"] == "approved" and decided["decided_at"]
    assert ok(api.call("GET", path, buyer))["totals"]["grand_total"] == rub(110000)
    problem(api.call("POST", f"/admin/amount-requests/{request['id']}/reject", admin), 409)
    assert request["id"] in [r["id"] for r in ok(api.call(
        "GET", "/admin/amount-requests?status=approved", admin))["items"]]


def test_a_seller_adds_an_order_for_a_customer_in_its_own_shop_only(system, api):
    seller, stranger = api.register("seller"), api.register("seller")
    shop_id, [mug] = open_shop(api, seller, [{}])
    body = {"customer": {"email": "olga@example.test", "name": "Olga", "phone": "+79990001122"},
            "lines": [{"product_id": mug["id"], "quantity": 2}],
            "delivery": {"name": "Pickup in the studio", "cost": 0}, "amount": 150000}

    problem(api.call("POST", f"/shops/{shop_id}/orders", stranger, json=body), 403)
    problem(api.call("POST", f"/shops/{shop_id}/orders", stranger, json={"x": 1}), 403)
    created = ok(api.call("POST", f"/shops/{shop_id}/orders", seller, json=body,
                          headers={"Idempotency-Key": "phone-order-1"}), 201)

    order = created["order"]
    assert (order["status"], order["created_by"], order["buyer_id"]) == (
        "placed", "seller", None)
    assert [(h["by"], h["from"], h["to"]) for h in order["history"]] == [
        ("seller", None, "placed")]
    assert order["totals"]["items"] == rub(150000)
    assert order["totals"]["grand_total"] == rub(150000)
    read = ok(api.call("GET", created["order_link"].removeprefix("/api/v1")))
    assert read["id"] == order["id"] and "notes" not in read
    assert available(api, seller, mug["id"]) == 3
    # the seller confirms it like any other order: it waits under the open tab
    assert order["id"] in [o["id"] for o in ok(api.call(
        "GET", "/orders?as=seller&tab=open", seller))["items"]]
    assert ok(api.call("POST", f"/orders/{order['id']}/confirm", seller))["status"] == "confirmed"


def test_a_seller_s_order_for_a_registered_buyer_s_e_mail_is_that_buyer_s(system, api, admin):
    seller, buyer = api.register("seller"), api.register("buyer", name="Olga Smirnova")
    shop_id, [mug] = open_shop(api, seller, [{}])
    body = {"customer": {"email": buyer.email.upper(), "name": "Olga", "phone": "+79990001122"},
            "lines": [{"product_id": mug["id"], "quantity": 1}],
            "delivery": {"name": "Pickup in the studio", "cost": 0}}
    tap = EventTap(system.amqp_uri, "order.placed")
    try:
        order = ok(api.call("POST", f"/shops/{shop_id}/orders", seller, json=body), 201)["order"]
        [placed] = wait_for(lambda: [e for e in tap.drain()
                                     if e["data"]["order_id"] == order["id"]],
                            message="order.placed")
    finally:
        tap.close()

    assert (order["status"], order["buyer_id"]) == ("placed", buyer.id)
    assert (placed["data"]["buyer_id"], placed["data"]["seller_id"]) == (buyer.id, seller.id)
    assert [o["id"] for o in ok(api.call("GET", "/orders", buyer))["items"]] == [order["id"]]
    path = f"/orders/{order['id']}"
    ok(api.call("POST", f"{path}/messages", buyer, json={"text": "Thank you!"}), 201)
    ok(api.call("POST", f"{path}/confirm", seller))
    ok(api.call("POST", f"{path}/mark-paid", seller))
    ok(api.call("POST", f"{path}/shipments", seller, json={
        "carrier": "russian_post", "tracking_number": "RA123456789RU", "notify_buyer": True}), 201)
    wait_for(lambda: ok(api.call("GET", path, buyer))["status"] == "shipped",
             message="the order to be shipped")
    ok(api.call("POST", f"{path}/receive", buyer))
    review = ok(api.call("POST", f"{path}/review", buyer, json={"rating": 5, "text": "Lovely"}),
                201)
    assert review["buyer_name"] == "Olga"

    # A seller's or an admin's e-mail is no buyer: that customer stays a guest
    other = {**body, "customer": {**body["customer"], "email": admin.email}}
    assert ok(api.call("POST", f"/shops/{shop_id}/orders", seller, json=other),
              201)["order"]["buyer_id"] is None


def test_an_admin_cannot_add_an_order_to_a_shop(system, api, admin):
    seller = api.register("seller")
    shop_id, [mug] = open_shop(api, seller, [{}])
    body = {"customer": {"email": "olga@example.test", "name": "Olga", "phone": "+79990001122"},
            "lines": [{"product_id": mug["id"], "quantity": 1}]}

    problem(api.call("POST", f"/shops/{shop_id}/orders", admin, json=body), 403)
    with rpc_as(system, admin) as rpc, pytest.raises(Exception) as refused:  # noqa: PT011
        rpc.orders.create_seller_order(shop_id, body)
    assert remote_type(refused.value) == "Forbidden"
    assert ok(api.call("GET", "/orders?as=seller", seller))["total"] == 0
    assert available(api, seller, mug["id"]) == 5


def test_the_gateway_passes_on_every_field_the_orders_service_returns(system, api):
    """The response schemas (and so the OpenAPI document) match the service's payloads exactly:
    nothing is dropped or added on the way, in the seller's view and in the buyer's."""
    seller, buyer = api.register("seller"), api.register("buyer")
    shop_id, [mug] = open_shop(api, seller, [{"options": [
        {"name": "Colour", "kind": "select", "required": True,
         "variants": [{"label": "Red", "price_delta": 2000}]},
        {"name": "Engraving", "kind": "text", "required": False, "variants": []}]}])
    colour, engraving = mug["options"]
    courier = delivery_method(api, seller, shop_id, fixed(30000))
    choice = {colour["id"]: colour["variants"][0]["id"], engraving["id"]: "For Anna"}
    add_to_cart(api, buyer, mug["id"], 1, choice)
    [order] = ok(checkout(api, buyer, checkout_body(
        (shop_id, courier), comment="Call first", contact_method="phone_call",
        source={"referrer": "https://example.test", "utm_campaign": "spring"})), 201)["orders"]
    path = f"/orders/{order['id']}"
    ok(api.call("POST", f"{path}/notes", seller, json={"text": "Wrap it"}), 201)
    ok(api.call("POST", f"{path}/messages", buyer, json={"text": "Hello"}), 201)
    add_to_cart(api, buyer, mug["id"], 2, choice)

    with rpc_as(system, seller) as rpc:
        assert ok(api.call("GET", path, seller)) == rpc.orders.get_order(order["id"])
        assert ok(api.call("GET", "/orders?as=seller", seller)) == rpc.orders.list_orders(
            {"as": "seller"})
        assert ok(api.call("GET", f"{path}/notes", seller)) == {
            **rpc.orders.list_notes(order["id"]), "page": 1, "per_page": 20, "total": 1}
    with rpc_as(system, buyer) as rpc:
        assert ok(api.call("GET", path, buyer)) == rpc.orders.get_order(order["id"])
        assert ok(api.call("GET", "/orders", buyer)) == rpc.orders.list_orders({"as": "buyer"})
        assert ok(api.call("GET", "/cart", buyer)) == rpc.orders.get_cart()
        messages = rpc.orders.list_messages(order["id"])
        assert ok(api.call("GET", f"{path}/messages", buyer)) == {
            **messages, "items": [{**m, "attachments": []} for m in messages["items"]]}
    kinds = [o["kind"] for o in order["lines"][0]["options"]]
    assert kinds == ["select", "text"]


# Roles and bodies -----------------------------------------------------------------------------------
def test_buyers_may_not_call_seller_routes_nor_sellers_buyer_routes(system, api):
    seller, buyer = api.register("seller"), api.register("buyer")
    order, mug = place_order(api, seller, buyer)
    path = f"/orders/{order['id']}"
    seller_routes = [("POST", f"{path}/confirm", None), ("POST", f"{path}/mark-paid", None),
                     ("POST", f"{path}/start-production", None),
                     ("POST", f"{path}/complete", None),
                     ("POST", f"{path}/delivery-cost", {"cost": "nonsense"}),
                     ("POST", f"{path}/amount", {"amount": -1}),
                     ("POST", f"{path}/shipments", {"carrier": "teleport"}),
                     ("GET", f"{path}/notes", None), ("POST", f"{path}/notes", {}),
                     ("POST", f"/shops/{order['shop_id']}/orders", {})]
    buyer_routes = [("GET", "/cart", None), ("POST", "/cart/items", {"quantity": "x"}),
                    ("PATCH", f"/cart/items/{uuid.uuid4()}", {}),
                    ("DELETE", f"/cart/items/{uuid.uuid4()}", None),
                    ("POST", "/checkout", {"nonsense": True}),
                    ("POST", f"{path}/receive", None), ("POST", f"{path}/review", {"rating": 9})]

    for who, routes in ((buyer, seller_routes), (seller, buyer_routes)):
        for method, route, body in routes:
            refused = problem(api.call(method, route, who, json=body), 403)
            assert refused["detail"], route
    for method, route, _ in [("GET", "/cart", None), ("GET", "/orders", None),
                             ("POST", f"{path}/confirm", None)]:
        problem(api.call(method, route), 401)
    forged = User(buyer.id, buyer.email, buyer.token[:-4] + "AAAA", buyer.roles)
    problem(api.call("POST", "/checkout", forged, json=checkout_body()), 401)
    assert ok(api.call("GET", path, buyer))["status"] == "placed"


@pytest.fixture(scope="module")
def confirmed(system, api):
    """An order confirmed by its seller, for the refusals below (they leave it as it is)."""
    seller, buyer = api.register("seller"), api.register("buyer")
    order, mug = place_order(api, seller, buyer)
    ok(api.call("POST", f"/orders/{order['id']}/confirm", seller))
    return seller, buyer, order, mug


BAD_MONEY = ["$10,000", 10000.5, "10000", -1, 1e3, True, None]


@pytest.mark.parametrize("amount", BAD_MONEY)
def test_money_that_is_not_a_whole_number_of_minor_units_is_refused_and_nothing_changes(
    api, confirmed, amount
):
    seller, buyer, order, _ = confirmed
    path = f"/orders/{order['id']}"
    before = ok(api.call("GET", path, seller))

    for route, body, field in ((f"{path}/amount", {"amount": amount, "reason": "r"}, "amount"),
                               (f"{path}/delivery-cost", {"cost": amount}, "cost")):
        refused = problem(api.call("POST", route, seller, json=body), 422)
        assert field in refused["errors"], refused

    after = ok(api.call("GET", path, seller))
    assert (after["totals"], after["history"]) == (before["totals"], before["history"])


@pytest.mark.parametrize(("route", "body", "field"), [
    ("/amount", {"amount": 90000, "reason": "agreed", "currency": "RUB"}, "currency"),
    ("/amount", {"amount": 90000}, "reason"),
    ("/messages", {"text": "hi", "urgent": True}, "urgent"),
    ("/notes", {"text": ""}, "text"),
    ("/cancel", {"reason": "x", "refund": 100}, "refund"),
    ("/shipments", {"carrier": "teleport"}, "carrier"),
])
def test_a_body_with_unknown_or_bad_fields_is_refused_and_nothing_is_written(
    api, confirmed, route, body, field
):
    seller, buyer, order, _ = confirmed
    path = f"/orders/{order['id']}"
    before = ok(api.call("GET", path, seller))

    refused = problem(api.call("POST", f"{path}{route}", seller, json=body), 422)

    assert field in refused["errors"], refused
    after = ok(api.call("GET", path, seller))
    assert after == before
    assert ok(api.call("GET", f"{path}/messages", buyer))["total"] == 0


def test_a_bad_cart_or_checkout_body_is_refused_and_nothing_is_written(system, api, confirmed):
    _, _, order, mug = confirmed
    buyer = api.register("buyer")
    for body, field in (({"product_id": mug["id"], "quantity": "2"}, "quantity"),
                        ({"product_id": mug["id"], "quantity": 2.5}, "quantity"),
                        ({"product_id": mug["id"], "quantity": 0}, "quantity"),
                        ({"product_id": mug["id"], "quantity": 1, "price": 1}, "price"),
                        ({"product_id": "not-a-uuid", "quantity": 1}, "product_id")):
        assert field in problem(api.call("POST", "/cart/items", buyer, json=body), 422)["errors"]
    assert ok(api.call("GET", "/cart", buyer)) == {"groups": []}

    add_to_cart(api, buyer, mug["id"], 1)
    courier = order["delivery_method"]["id"]
    good = checkout_body((order["shop_id"], courier))
    for body, field in (({**good, "accept_rules": False}, "accept_rules"),
                        ({k: v for k, v in good.items() if k != "accept_rules"}, "accept_rules"),
                        ({**good, "discount": 100}, "discount"),
                        ({**good, "shipping_address": {**ADDRESS, "floor": 3}},
                         "shipping_address.floor"),
                        ({**good, "contact_method": "pigeon"}, "contact_method")):
        refused = problem(checkout(api, buyer, body), 422)
        assert field in refused["errors"], refused
    assert order_count(api, buyer) == 0
    assert [len(g["items"]) for g in ok(api.call("GET", "/cart", buyer))["groups"]] == [1]


def test_a_message_carries_the_writers_own_uploads_readable_by_the_other_party_alone(api):
    seller, buyer, stranger = (api.register("seller"), api.register("buyer"),
                               api.register("buyer"))
    order, _ = place_order(api, seller, buyer)
    path = f"/orders/{order['id']}/messages"
    sketch = b"%PDF-1.4\n% where the handle goes\n" + os.urandom(500)

    def attach(user: User) -> str:
        made = api.call("POST", "/uploads", user, data={"purpose": "attachment"},
                        files={"file": ("sketch.pdf", sketch, "application/pdf")})
        assert made.status_code == 201, made.text
        return made.json()["id"]

    mine, theirs = attach(buyer), attach(stranger)
    refused = problem(api.call("POST", path, buyer, json={"text": "See", "attachment_ids": [
        mine, theirs]}), 422)
    assert list(refused["errors"]) == ["attachment_ids.1"]
    problem(api.call("POST", path, stranger, json={"text": "Mine", "attachment_ids": [theirs]}),
            404)  # not a party of this order: no word on the attachments
    assert ok(api.call("GET", path, seller))["total"] == 0

    posted = ok(api.call("POST", path, buyer, json={"text": "See", "attachment_ids": [mine]}), 201)
    assert [a["id"] for a in posted["attachments"]] == [mine]
    [message] = ok(api.call("GET", path, seller))["items"]
    [link] = message["attachments"]
    assert (link["content_type"], link["size"]) == ("application/pdf", len(sketch))
    assert requests.get(link["url"], timeout=10).content == sketch  # the seller's own link
    problem(api.call("GET", f"/uploads/{mine}", stranger), 404)
    stolen = requests.get(link["url"], timeout=10,
                          headers={"Authorization": f"Bearer {stranger.token}"})
    assert stolen.status_code == 403

