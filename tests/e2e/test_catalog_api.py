"""Shops and products over HTTP: the gateway in front of the real catalog service. A seller opens a
shop and sells products with options, a discount and wholesale tiers; buyers browse the storefront
(categories with their sub-categories, text, price on the effective price, characteristics, each
sort) and get quotes with the seed's numbers; broken bodies are refused with 422 and write nothing;
strangers get 403 before their body is read. Every test makes its own users and shops, so they share
one running system per module and backend."""

from __future__ import annotations

import uuid

import pytest

from gateway.identity import create_admin
from tests.support.api import Api, User
from tests.support.harness import wait_for
from tests.support.media import image_bytes, upload

pytestmark = pytest.mark.integration

RUB = "RUB"
PROBLEM = "application/problem+json"


def rub(amount: int) -> dict:
    return {"amount": amount, "currency": RUB}


@pytest.fixture(scope="module")
def gateway(system, tmp_path_factory):
    system.start("catalog")
    system.relay("catalog")  # its events keep the gateway's cache of public pages fresh
    return system.gateway(env={"MEDIA_DIR": str(tmp_path_factory.mktemp("media"))})


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


def ok(response, status: int = 200) -> dict:
    assert response.status_code == status, response.text
    return response.json()


def problem(response, status: int) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"] == PROBLEM
    return response.json()


def open_shop(api, seller: User, **fields) -> dict:
    return ok(api.call("POST", "/shops", seller, json={
        "name": "Clay and fire", "currency": RUB, **fields}), 201)


def add_product(api, seller: User, shop_id: str, **fields) -> dict:
    body = {"title": "Mug with a fox", "description": "Stoneware, glazed by hand.",
            "category": "mugs-and-cups", "price": 100000, "weight_grams": 400,
            "stock": {"mode": "tracked", "quantity": 5}, **fields}
    return ok(api.call("POST", f"/shops/{shop_id}/products", seller, json=body), 201)


def listing(api, **query) -> dict:
    return ok(api.call("GET", "/products", params=query))


# A seller's shop and products -------------------------------------------------------------------
def test_a_seller_opens_one_shop_and_anyone_reads_it(api):
    seller, buyer = api.register("seller"), api.register("buyer")
    problem(api.call("POST", "/shops", json={"name": "Nobody's", "currency": RUB}), 401)
    problem(api.call("POST", "/shops", buyer, json={"name": "Buyer's", "currency": RUB}), 403)

    shop = open_shop(api, seller, about="Pottery from Gzhel",
                     rules={"confirm_days": 2, "prepayment_percent": 30,
                            "returns": "Within 14 days"},
                     contact_methods=["email", "site_chat"],
                     legal={"form": "self_employed", "tax_id": "500100732259", "name": "A. Petrova"})
    assert shop["owner_id"] == seller.id and shop["status"] == "active"
    assert shop["legal"]["form"] == "self_employed"
    second = problem(api.call("POST", "/shops", seller, json={"name": "Again", "currency": RUB}),
                     409)
    assert second["code"] == "shop_exists"

    public = ok(api.call("GET", f"/shops/{shop['id']}"))
    assert public["labels"] == [] and public["vacation"] is None
    assert public["rules"]["prepayment_percent"] == 30
    # Seed 003: the seller's legal details are shown to buyers, signed in or not.
    legal = {"form": "self_employed", "tax_id": "500100732259", "name": "A. Petrova"}
    assert public["legal"] == legal
    assert ok(api.call("GET", f"/shops/{shop['id']}", buyer))["legal"] == legal
    assert ok(api.call("GET", f"/shops/{open_shop(api, api.register('seller'))['id']}"))[
        "legal"] is None
    me = ok(api.call("GET", "/me", seller))
    assert me["shop_id"] == shop["id"]

    changed = ok(api.call("PATCH", f"/shops/{shop['id']}", seller, json={
        "about": "Pottery and porcelain", "rules": {"confirm_days": 5}}))
    assert changed["about"] == "Pottery and porcelain"
    assert changed["rules"]["confirm_days"] == 5 and changed["rules"]["prepayment_percent"] == 30

    on_vacation = ok(api.call("PUT", f"/shops/{shop['id']}/vacation", seller, json={
        "message": "Back in a week", "starts_on": "2020-01-01", "ends_on": "2099-01-01",
        "allow_cart": True}))
    assert on_vacation["vacation"]["active"] is True
    assert on_vacation["vacation"]["starts_on"] == "2020-01-01"
    assert ok(api.call("DELETE", f"/shops/{shop['id']}/vacation", seller))["vacation"] is None
    problem(api.call("GET", f"/shops/{uuid.uuid4()}"), 404)


def test_products_with_options_discount_and_wholesale_are_priced_as_the_seed_says(api, admin):
    seller = api.register("seller")
    shop = open_shop(api, seller, rules={"returns": "Within 14 days"},
                     delivery_and_payment="Post or courier")
    gift = ok(api.call("POST", f"/shops/{shop['id']}/options", seller, json={
        "name": "Gift wrap", "kind": "checkbox",
        "variants": [{"label": "Paper", "price_delta": 15000}]}), 201)
    assert gift["global"] is True and gift["variants"][0]["price_delta"] == rub(15000)
    assert [o["id"] for o in ok(api.call("GET", f"/shops/{shop['id']}/options", seller))[
        "items"]] == [gift["id"]]

    # Seed 003: an item at 100 ₽ in red +20, white +30, blue +0.
    scarf = add_product(api, seller, shop["id"], title="Knitted scarf", category="knitwear",
                        price=10000, stock={"mode": "made_to_order", "production_days": 5},
                        options=[{"name": "Colour", "kind": "select", "required": True,
                                  "variants": [{"label": "red", "price_delta": 2000},
                                               {"label": "white", "price_delta": 3000},
                                               {"label": "blue"}]}],
                        global_option_ids=[gift["id"]],
                        characteristics={"color": ["red", "white", "blue"]})
    # Seed 003: 1 for 1000, 2 for 1800, 3 for 2600.
    mugs = add_product(api, seller, shop["id"], title="Mug", free_delivery=True,
                       wholesale=[{"min_quantity": 2, "set_price": 180000},
                                  {"min_quantity": 3, "set_price": 260000}])
    sale = add_product(api, seller, shop["id"], title="Vase", category="vases", price=50000,
                       discount_percent=10)

    page = ok(api.call("GET", f"/products/{scarf['id']}"))
    colour = page["options"][0]
    assert colour["id"] and [v["label"] for v in colour["variants"]] == ["red", "white", "blue"]
    assert all(v["id"] for v in colour["variants"])
    assert colour["variants"][0]["price_delta"] == rub(2000)
    assert page["global_options"][0]["id"] == gift["id"]
    assert page["effective_price"] == rub(10000) and page["dispatch_days"] == 5
    assert page["labels"] == ["new"] and page["online_payment"] is False
    assert page["shop"] == {"id": shop["id"], "name": "Clay and fire", "labels": [],
                            "rules": shop["rules"], "delivery_and_payment": "Post or courier",
                            "vacation": None}
    assert page["stock"]["quantity"] is None and "stats" not in page
    vase = ok(api.call("GET", f"/products/{sale['id']}"))
    assert vase["effective_price"] == rub(45000) and vase["price"] == rub(50000)
    assert "discount" in vase["labels"] and vase["stock"]["quantity"] == 5
    assert "free_delivery" in ok(api.call("GET", f"/products/{mugs['id']}"))["labels"]

    red = colour["variants"][0]["id"]
    quoted = ok(api.call("POST", f"/products/{scarf['id']}/quote",
                         json={"quantity": 1, "options": {colour["id"]: red}}))
    assert quoted["unit_price"] == rub(12000) and quoted["total"] == rub(12000)
    assert quoted["applied"][0]["step"] == "variant"
    wrapped = ok(api.call("POST", f"/products/{scarf['id']}/quote", json={
        "quantity": 2, "options": {colour["id"]: red, gift["id"]: [gift["variants"][0]["id"]]}}))
    assert wrapped["total"] == rub(2 * (12000 + 15000))
    for quantity, total in ((1, 100000), (2, 180000), (3, 260000)):
        line = ok(api.call("POST", f"/products/{mugs['id']}/quote", json={"quantity": quantity}))
        assert line["total"] == rub(total), (quantity, line)
    assert line["applied"][-1]["step"] == "wholesale"
    missing = problem(api.call("POST", f"/products/{scarf['id']}/quote", json={"quantity": 1}),
                      422)
    assert f"options.{colour['id']}" in missing["errors"]
    problem(api.call("POST", f"/products/{scarf['id']}/quote", json={"quantity": "2"}), 422)

    # The owner sees stats; others' views are counted, the owner's are not.
    ok(api.call("GET", f"/products/{sale['id']}", seller))
    wait_for(lambda: ok(api.call("GET", f"/products/{sale['id']}", seller))["stats"]["views"] == 1,
             message="the visitor's view counted")
    own = ok(api.call("GET", f"/products/{sale['id']}", seller))
    assert own["stats"]["views"] == 1 and own["listed"] is True
    assert own["stock"]["on_hand"] == 5

    # Only an admin labels an official reseller.
    problem(api.call("PUT", f"/admin/products/{mugs['id']}/labels", seller,
                     json={"official_reseller": True}), 403)
    labelled = ok(api.call("PUT", f"/admin/products/{mugs['id']}/labels", admin,
                           json={"official_reseller": True}))
    assert "official_reseller" in labelled["labels"]
    problem(api.call("PUT", f"/admin/products/{mugs['id']}/labels", admin,
                     json={"official_reseller": "yes"}), 422)

    # Collections: the owner makes them, anyone reads them.
    made = ok(api.call("POST", f"/shops/{shop['id']}/collections", seller, json={
        "name": "Gifts", "product_ids": [mugs["id"], sale["id"]]}), 201)
    listed = ok(api.call("GET", f"/shops/{shop['id']}/collections"))["items"]
    assert listed == [made] and made["product_ids"] == [mugs["id"], sale["id"]]
    problem(api.call("POST", f"/shops/{shop['id']}/collections", seller, json={
        "name": "Strays", "product_ids": [str(uuid.uuid4())]}), 422)


def test_a_wholesale_price_is_the_price_at_its_quantity_and_a_percentage_adds_to_the_discount(
        api):
    seller = api.register("seller")
    shop = open_shop(api, seller)
    # 1000 ₽ at 10 % off (900 ₽); 850 ₽ each from 2, 3 for 2400 ₽
    priced = add_product(api, seller, shop["id"], discount_percent=10, wholesale=[
        {"min_quantity": 2, "unit_price": 85000}, {"min_quantity": 3, "set_price": 240000}])
    # 1000 ₽ at 10 % off, then 20 % off from 3
    percent = add_product(api, seller, shop["id"], discount_percent=10,
                          wholesale=[{"min_quantity": 3, "percent_off": 20}])

    def quote(product: dict, quantity: int) -> dict:
        return ok(api.call("POST", f"/products/{product['id']}/quote",
                           json={"quantity": quantity}))

    for quantity, unit, total in ((1, 90000, 90000), (2, 85000, 170000), (3, 80000, 240000),
                                  (4, 80000, 320000)):
        line = quote(priced, quantity)
        assert (line["unit_price"], line["total"]) == (rub(unit), rub(total)), quantity
    assert [s["step"] for s in quote(priced, 2)["applied"]] == ["discount", "wholesale"]
    assert quote(percent, 3)["total"] == rub(3 * 72000)
    assert quote(percent, 2)["total"] == rub(2 * 90000)

    # A tier that would make 3 dearer per unit than 2 once the discount applies is refused.
    refused = problem(api.call("PATCH", f"/products/{percent['id']}", seller, json={
        "discount_percent": 20, "wholesale": [{"min_quantity": 2, "percent_off": 10},
                                              {"min_quantity": 3, "unit_price": 85000}]}), 422)
    assert set(refused["errors"]) == {"wholesale.1"}
    described = ok(api.call("GET", "/openapi.json"))["components"]["schemas"]
    wholesale = next(schema["properties"]["wholesale"] for schema in described.values()
                     if "wholesale" in schema.get("properties", {}))
    assert "the discount does not apply on top" in wholesale["description"]


def test_an_unknown_product_has_no_page_and_no_quote(api):
    for product_id in (uuid.uuid4(), "not-a-uuid"):
        problem(api.call("GET", f"/products/{product_id}"), 404)
        problem(api.call("POST", f"/products/{product_id}/quote", json={"quantity": 1}), 404)


def test_a_change_keeps_option_ids_and_a_disabled_product_is_only_its_owners(api):
    seller, buyer = api.register("seller"), api.register("buyer")
    shop = open_shop(api, seller)
    mug = add_product(api, seller, shop["id"], options=[
        {"name": "Glaze", "kind": "radio", "variants": [{"label": "Cobalt"}]}])
    option = mug["options"][0]

    changed = ok(api.call("PATCH", f"/products/{mug['id']}", seller, json={
        "price": 120000, "options": [{**option, "variants": [
            {"id": option["variants"][0]["id"], "label": "Cobalt", "price_delta": 500},
            {"label": "Celadon", "price_delta": 0}]}]}))
    assert changed["price"] == rub(120000) and changed["options"][0]["id"] == option["id"]
    assert changed["options"][0]["variants"][0]["id"] == option["variants"][0]["id"]
    assert changed["options"][0]["variants"][0]["price_delta"] == rub(500)

    disabled = ok(api.call("DELETE", f"/products/{mug['id']}", seller))
    assert disabled["enabled"] is False and disabled["listed"] is False
    problem(api.call("GET", f"/products/{mug['id']}"), 404)
    problem(api.call("GET", f"/products/{mug['id']}", buyer), 404)
    problem(api.call("POST", f"/products/{mug['id']}/quote", json={"quantity": 1}), 404)
    assert ok(api.call("GET", f"/products/{mug['id']}", seller))["enabled"] is False
    assert listing(api, shop_id=shop["id"])["total"] == 0
    back = ok(api.call("PATCH", f"/products/{mug['id']}", seller, json={"enabled": True}))
    assert back["listed"] is True
    assert [p["id"] for p in listing(api, shop_id=shop["id"])["items"]] == [mug["id"]]
    problem(api.call("GET", f"/products/{uuid.uuid4()}"), 404)
    problem(api.call("GET", "/products/not-a-uuid"), 404)


def test_a_shops_collections_and_global_options_are_lists_of_pages(api):
    seller, stranger = api.register("seller"), api.register("seller")
    shop = open_shop(api, seller)
    open_shop(api, stranger, name="Next door")
    mug = add_product(api, seller, shop["id"])
    options = [ok(api.call("POST", f"/shops/{shop['id']}/options", seller, json={
        "name": f"Wrap {n}", "kind": "select", "variants": [{"label": "Paper"}]}), 201)
        for n in range(3)]
    collections = [ok(api.call("POST", f"/shops/{shop['id']}/collections", seller, json={
        "name": f"Shelf {n}", "product_ids": [mug["id"]]}), 201) for n in range(3)]

    for path, user, made in (("options", seller, options), ("collections", None, collections)):
        first = ok(api.call("GET", f"/shops/{shop['id']}/{path}", user, params={"per_page": 2}))
        assert (first["page"], first["per_page"], first["total"]) == (1, 2, 3), path
        assert [i["id"] for i in first["items"]] == [m["id"] for m in made[:2]]
        rest = ok(api.call("GET", f"/shops/{shop['id']}/{path}", user,
                           params={"page": 2, "per_page": 2}))
        assert [i["id"] for i in rest["items"]] == [made[2]["id"]] and rest["total"] == 3
        whole = ok(api.call("GET", f"/shops/{shop['id']}/{path}", user))
        assert (whole["page"], whole["per_page"], len(whole["items"])) == (1, 20, 3)
        for query in ({"per_page": 101}, {"page": 0}, {"page": "x"}):
            problem(api.call("GET", f"/shops/{shop['id']}/{path}", user, params=query), 422)
    problem(api.call("GET", f"/shops/{shop['id']}/options", stranger, params={"page": 0}), 403)


def test_variants_keep_the_sellers_order_and_a_change_reorders_them_keeping_their_ids(api):
    seller = api.register("seller")
    shop = open_shop(api, seller)
    sizes = ok(api.call("POST", f"/shops/{shop['id']}/options", seller, json={
        "name": "Size", "kind": "radio",
        "variants": [{"label": "S"}, {"label": "XL"}, {"label": "M"}, {"label": "L"}]}), 201)
    labels = ["white", "red", "blue", "amber", "zinc"]
    mug = add_product(api, seller, shop["id"], global_option_ids=[sizes["id"]], options=[
        {"name": "Glaze", "kind": "select", "variants": [{"label": label} for label in labels]}])

    def glaze(product: dict) -> list[str]:
        return [v["label"] for v in product["options"][0]["variants"]]

    page = ok(api.call("GET", f"/products/{mug['id']}"))
    assert glaze(mug) == glaze(page) == labels
    assert [v["label"] for v in page["global_options"][0]["variants"]] == ["S", "XL", "M", "L"]
    listed = ok(api.call("GET", f"/shops/{shop['id']}/options", seller))["items"]
    assert [v["label"] for v in listed[0]["variants"]] == ["S", "XL", "M", "L"]

    # The seller moves blue first and zinc before red: same variants, same ids, a new order.
    option = page["options"][0]
    ids = {v["label"]: v["id"] for v in option["variants"]}
    order = ["blue", "white", "zinc", "red", "amber"]
    changed = ok(api.call("PATCH", f"/products/{mug['id']}", seller, json={"options": [{
        "id": option["id"], "name": "Glaze", "kind": "select",
        "variants": [{"id": ids[label], "label": label} for label in order]}]}))
    assert glaze(changed) == order
    assert [v["id"] for v in changed["options"][0]["variants"]] == [ids[label] for label in order]
    assert glaze(ok(api.call("GET", f"/products/{mug['id']}"))) == order

    # An id given twice keeps the first; the second is a new variant with its own id.
    twice = ok(api.call("PATCH", f"/products/{mug['id']}", seller, json={"options": [{
        "id": option["id"], "name": "Glaze", "kind": "select",
        "variants": [{"id": ids["blue"], "label": "blue"}, {"id": ids["blue"], "label": "navy"}]}]}))
    variant_ids = [v["id"] for v in twice["options"][0]["variants"]]
    assert variant_ids[0] == ids["blue"] and variant_ids[1] not in ids.values()


# Who may do what --------------------------------------------------------------------------------
def test_strangers_are_refused_before_their_body_is_read(api):
    owner, stranger, buyer = api.register("seller"), api.register("seller"), api.register("buyer")
    shop = open_shop(api, owner)
    open_shop(api, stranger, name="Next door")
    mug = add_product(api, owner, shop["id"])
    bad = {"title": "A", "nonsense": 1, "price": "10000"}
    shop_path, product_path = f"/shops/{shop['id']}", f"/products/{mug['id']}"

    for user in (stranger, buyer):
        for method, path in (("PATCH", shop_path), ("PUT", f"{shop_path}/vacation"),
                             ("POST", f"{shop_path}/products"), ("POST", f"{shop_path}/options"),
                             ("POST", f"{shop_path}/collections"), ("PATCH", product_path)):
            refused = problem(api.call(method, path, user, json=bad), 403)
            assert refused["errors"] == {}, (method, path, refused)
        problem(api.call("DELETE", product_path, user), 403)
        problem(api.call("DELETE", f"{shop_path}/vacation", user), 403)
        problem(api.call("GET", f"{shop_path}/options", user), 403)
    problem(api.call("PATCH", product_path, json={"price": 1}), 401)
    problem(api.call("PATCH", f"/products/{uuid.uuid4()}", stranger, json=bad), 404)

    unchanged = ok(api.call("GET", product_path))
    assert unchanged["price"] == rub(100000) and unchanged["enabled"] is True
    assert ok(api.call("GET", shop_path))["name"] == "Clay and fire"


# Refusals ---------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def refusing_shop(api) -> tuple[User, str]:
    seller = api.register("seller")
    return seller, open_shop(api, seller)["id"]


GOOD = {"title": "Mug with a fox", "category": "mugs-and-cups", "price": 100000,
        "stock": {"mode": "tracked", "quantity": 5}}


@pytest.mark.parametrize(("change", "field"), [
    ({"title": "КРУЖКА С ЛИСОЙ"}, "title"),
    ({"title": "Mug with a FOXXY glaze"}, "title"),
    ({"characteristics": {"theme": ["foxes"]}}, "characteristics.theme"),
    ({"characteristics": {"size": ["XL"]}}, "characteristics"),
    ({"price": -1}, "price"),
    ({"price": "10000"}, "price"),
    ({"price": 1000.5}, "price"),
    ({"price": "$10,000"}, "price"),
    ({"price": True}, "price"),
    ({"discount_percent": 101}, "discount_percent"),
    ({"discount_percent": 100}, "discount_percent"),
    ({"video_url": "https://vimeo.com/76979871"}, "video_url"),
    ({"options": [{"name": "Glaze", "kind": "select", "variants": []}]}, "options.0.variants"),
    ({"options": [{"name": "Glaze", "kind": "select", "variants": [
        {"label": "Cobalt", "price_delta": "200"}]}]}, "options.0.variants.0.price_delta"),
    ({"wholesale": [{"min_quantity": 3, "set_price": 400000}]}, "wholesale.0"),
    ({"stock": {"mode": "tracked"}}, "stock.quantity"),
    ({"category": "spaceships"}, "category"),
    ({"colour": "red"}, "colour"),
    ({"stock": {"mode": "tracked", "quantity": 5, "warehouse": "A"}}, "stock.warehouse"),
])
def test_a_broken_product_is_refused_and_nothing_is_written(api, refusing_shop, change, field):
    seller, shop_id = refusing_shop

    refused = problem(api.call("POST", f"/shops/{shop_id}/products", seller,
                               json={**GOOD, **change}), 422)

    assert any(key == field or key.startswith(f"{field}.") for key in refused["errors"]), refused
    assert listing(api, shop_id=shop_id)["total"] == 0


def test_a_broken_change_leaves_the_product_as_it_was(api):
    seller = api.register("seller")
    shop = open_shop(api, seller)
    mug = add_product(api, seller, shop["id"])
    for change, field in (({"title": "SUPER MUG"}, "title"), ({"price": 99.9}, "price"),
                          ({"characteristics": {"shoe_size": ["42"]}}, "characteristics.shoe_size"),
                          ({"discount_percent": 150}, "discount_percent"),
                          ({"enabled": "no"}, "enabled")):
        refused = problem(api.call("PATCH", f"/products/{mug['id']}", seller, json=change), 422)
        assert field in refused["errors"], refused
    assert ok(api.call("GET", f"/products/{mug['id']}", seller))["updated_at"] == mug["updated_at"]


@pytest.mark.parametrize(("body", "field"), [
    ({"name": "Fox", "currency": "rub"}, "currency"),
    ({"name": "Fox", "currency": RUB, "rules": {"prepayment_percent": "30"}},
     "rules.prepayment_percent"),
    ({"name": "Fox", "currency": RUB, "contact_methods": ["email"]}, "contact_methods"),
    ({"name": "Fox", "currency": RUB, "motto": "Clay!"}, "motto"),
])
def test_a_broken_shop_is_refused_and_none_is_opened(api, body, field):
    seller = api.register("seller")
    refused = problem(api.call("POST", "/shops", seller, json=body), 422)
    assert any(key.startswith(field) for key in refused["errors"]), refused
    assert ok(api.call("GET", "/me", seller)).get("shop_id") is None


# The storefront ---------------------------------------------------------------------------------
def test_the_storefront_filters_searches_and_sorts(api):
    seller = api.register("seller")
    shop = open_shop(api, seller)
    word = "w" + uuid.uuid4().hex[:8]
    photos = [ok(upload(api, seller, image_bytes((64, 64))), 201) for _ in range(4)]
    mug = add_product(api, seller, shop["id"], title=f"Mug {word}", price=100000,
                      discount_percent=50, characteristics={"color": ["Red"]})
    vase = add_product(api, seller, shop["id"], title="Tall vase", category="vases",
                       price=60000, characteristics={"color": ["blue"]},
                       images=[photo["id"] for photo in photos])
    plate = add_product(api, seller, shop["id"], title="Plate", category="plates-and-bowls",
                        price=30000, discount_percent=5,
                        description=f"A plate to go with the {word} mug.")
    ring = add_product(api, seller, shop["id"], title="Silver ring", category="rings",
                       price=250000, characteristics={"material": ["silver"], "color": ["grey"]})
    shop_id = shop["id"]

    def ids(**query):
        return [p["id"] for p in listing(api, shop_id=shop_id, **query)["items"]]

    # A category includes its sub-categories.
    assert set(ids(category="ceramics")) == {mug["id"], vase["id"], plate["id"]}
    assert ids(category="jewelry") == [ring["id"]]
    assert ids(category="vases") == [vase["id"]]
    # Text: the title, the description, characteristics.
    assert set(ids(q=word)) == {mug["id"], plate["id"]}
    assert ids(q="SILVER") == [ring["id"]]
    # Price bounds compare the effective price: the 1,000 ₽ mug at 50 % costs 500 ₽.
    assert set(ids(min_price=40000, max_price=60000)) == {mug["id"], vase["id"]}
    assert ids(max_price=30000) == [plate["id"]]
    assert ids(max_price=28500) == [plate["id"]] and ids(max_price=28499) == []
    # Characteristics: case-insensitive; several values of one key are alternatives.
    assert ids(color="red") == [mug["id"]]
    assert set(ids(color=["red", "blue"])) == {mug["id"], vase["id"]}
    assert ids(color="grey", material="silver") == [ring["id"]]
    assert ids(color="blue", material="silver") == []

    assert ids(sort="price_asc") == [plate["id"], mug["id"], vase["id"], ring["id"]]
    assert ids(sort="price_desc") == [ring["id"], vase["id"], mug["id"], plate["id"]]
    assert ids(sort="discount")[:2] == [mug["id"], plate["id"]]
    assert ids(sort="newest") == [ring["id"], plate["id"], vase["id"], mug["id"]]
    for _ in range(2):  # two views of the ring: ln 3 ≈ 1.1, under the vase's four images (1.5)
        ok(api.call("GET", f"/products/{ring['id']}"))
    assert ids(sort="popularity")[:2] == [vase["id"], ring["id"]]
    assert ids() == ids(sort="popularity")

    page = listing(api, shop_id=shop_id, sort="price_asc", per_page=2, page=2)
    assert [p["id"] for p in page["items"]] == [vase["id"], ring["id"]]
    assert (page["page"], page["per_page"], page["total"]) == (2, 2, 4)
    card = page["items"][0]
    assert card["effective_price"] == rub(60000) and card["thumb_url"] == photos[0]["thumb_url"]


@pytest.mark.parametrize("query", [
    "min_price=-1", "min_price=10.5", "max_price=abc", "min_price=%2B5", "max_price=1e3",
    "per_page=101", "page=0", "sort=cheapest", "size=XL", "category=spaceships",
    "shop_id=not-a-uuid",
])
def test_a_broken_storefront_query_is_refused(api, query):
    refused = problem(api.call("GET", f"/products?{query}"), 422)
    assert refused["errors"], refused


def test_categories_are_a_flat_tree_with_their_characteristics(api):
    items = ok(api.call("GET", "/categories"))["items"]
    by_slug = {c["slug"]: c for c in items}
    assert by_slug["ceramics"]["parent_slug"] is None
    assert by_slug["mugs-and-cups"]["parent_slug"] == "ceramics"
    assert "theme" in by_slug["posters"]["characteristics"]
    assert "theme" not in by_slug["ceramics"]["characteristics"]
