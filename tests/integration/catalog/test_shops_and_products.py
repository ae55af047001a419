"""Shops and products through the catalog's RPC: ownership, the catalog's rules (refusals name each
field and write nothing), what the product page shows, prices, options, collections and labels."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from services.common.errors import Conflict, Forbidden, Invalid, NotFound
from tests.integration.catalog.support import Caller, all_at_once, product_body
from tests.support.harness import wait_for
from tests.support.tap import EventTap

pytestmark = pytest.mark.integration


# Shops ------------------------------------------------------------------------------------------
def test_a_seller_has_one_shop_and_the_gateway_finds_it_by_user(seller, shop, anyone):
    assert shop["status"] == "active" and shop["labels"] == [] and shop["owner_id"] == seller.user_id
    assert shop["rules"]["confirm_days"] == 3  # seed 003's default

    with pytest.raises(Conflict) as refused:
        seller.catalog.create_shop({"name": "Second", "currency": "RUB"})
    assert refused.value.code == "shop_exists"
    assert seller.catalog.seller_shop(seller.user_id) == {"shop_id": shop["id"]}
    assert anyone.catalog.seller_shop("00000000-0000-4000-8000-000000000000") is None


def test_only_sellers_open_shops_with_valid_profiles(amqp, seller):
    buyer = Caller(amqp, roles=("buyer",))
    try:
        with pytest.raises(Forbidden):
            buyer.catalog.create_shop({"name": "Mine", "currency": "RUB"})
    finally:
        buyer.close()

    with pytest.raises(Invalid) as refused:
        seller.catalog.create_shop({"name": " ", "currency": "rub", "contact_methods": ["sms"],
                                    "rules": {"confirm_days": 0}, "colour": "red"})
    assert set(refused.value.errors) == {"colour"}  # unknown fields refused before the rules
    with pytest.raises(Invalid) as refused:
        seller.catalog.create_shop({"name": " ", "currency": "rub", "contact_methods": ["sms"],
                                    "rules": {"confirm_days": 0}})
    assert set(refused.value.errors) == {"name", "currency", "contact_methods", "rules.confirm_days"}
    assert seller.catalog.seller_shop(seller.user_id) is None


def test_only_the_owner_changes_a_shop(seller, other_seller, shop, anyone):
    with pytest.raises(Forbidden):
        other_seller.catalog.update_shop(shop["id"], {"name": "Taken over"})

    changed = seller.catalog.update_shop(shop["id"], {"name": "Clay, fire and glaze",
                                                      "rules": {"prepayment_percent": 30}})

    assert changed["name"] == "Clay, fire and glaze"
    assert changed["rules"]["prepayment_percent"] == 30 and changed["rules"]["confirm_days"] == 3
    assert anyone.catalog.get_shop(shop["id"])["name"] == "Clay, fire and glaze"
    assert anyone.catalog.get_shop(shop["id"])["legal"] is None
    legal = {"form": "sole_trader", "tax_id": "500100732259", "name": "IP Petrova A."}
    seller.catalog.update_shop(shop["id"], {"legal": legal})
    assert anyone.catalog.get_shop(shop["id"])["legal"] == legal
    with pytest.raises(NotFound):
        anyone.catalog.get_shop("00000000-0000-4000-8000-000000000000")


def test_a_vacation_shows_on_the_shop_and_its_products_until_it_ends(seller, shop, anyone):
    product = seller.catalog.create_product(shop["id"], product_body())
    today = date.today()
    body = {"message": "Back on Monday", "starts_on": (today - timedelta(days=1)).isoformat(),
            "ends_on": (today + timedelta(days=3)).isoformat(), "allow_cart": False}

    on_vacation = seller.catalog.set_vacation(shop["id"], body)

    assert on_vacation["vacation"]["active"] is True
    assert anyone.catalog.get_product(product["id"])["shop"]["vacation"]["message"] == "Back on Monday"
    with pytest.raises(Conflict) as refused:
        anyone.catalog.quote_lines([{"product_id": product["id"], "quantity": 1}], True)
    assert refused.value.code == "shop_on_vacation"
    with pytest.raises(Invalid) as refused:
        seller.catalog.set_vacation(shop["id"], {**body, "ends_on": "2020-01-01"})
    assert set(refused.value.errors) == {"ends_on"}

    assert seller.catalog.end_vacation(shop["id"])["vacation"] is None
    assert anyone.catalog.quote_lines([{"product_id": product["id"], "quantity": 1}], True)


# Product rules ----------------------------------------------------------------------------------
REFUSALS = {
    "capital title": ({"title": "КУКЛА ТИЛЬДА"}, {"title"}),
    "foreign characteristic": ({"characteristics": {"shoe_size": ["38"]}},
                               {"characteristics.shoe_size"}),
    "negative price": ({"price": -100}, {"price"}),
    "fractional price": ({"price": 1000.5}, {"price"}),
    "price as text": ({"price": "10000"}, {"price"}),
    "discount over 100": ({"discount_percent": 150}, {"discount_percent"}),
    "video not on YouTube": ({"video_url": "https://vimeo.com/123456"}, {"video_url"}),
    "option without variants": (
        {"options": [{"name": "Colour", "kind": "select", "required": True, "variants": []}]},
        {"options.0.variants"},
    ),
    "unknown field": ({"colour": "red"}, {"colour"}),
    "several at once": ({"title": "SALE", "price": -1, "category": "spaceships"},
                        {"title", "price", "category"}),
}


@pytest.mark.parametrize("case", REFUSALS, ids=list(REFUSALS))
def test_a_product_that_breaks_a_rule_is_refused_per_field_and_nothing_is_written(
    case, seller, shop, anyone
):
    change, fields = REFUSALS[case]

    with pytest.raises(Invalid) as refused:
        seller.catalog.create_product(shop["id"], product_body(**change))

    assert set(refused.value.errors) == fields
    assert refused.value.code in ("invalid_product", "invalid")
    assert anyone.catalog.list_products({"shop_id": shop["id"]})["total"] == 0


def test_only_the_owner_adds_products_and_checks_come_before_the_rules(seller, other_seller, shop,
                                                                      anyone):
    with pytest.raises(Forbidden):
        other_seller.catalog.create_product(shop["id"], product_body(title="SALE"))
    assert anyone.catalog.list_products({"shop_id": shop["id"]})["total"] == 0
    with pytest.raises(NotFound):
        seller.catalog.create_product("00000000-0000-4000-8000-000000000000", product_body())


def test_the_product_page_shows_ids_prices_labels_stock_and_the_shop(seller, shop, anyone):
    created = seller.catalog.create_product(shop["id"], product_body(
        price=100000, discount_percent=10, free_delivery=True, weight_grams=400,
        options=[{"name": "Glaze", "kind": "radio", "required": True,
                  "variants": [{"label": "Blue", "price_delta": 20000},
                               {"label": "White", "price_delta": 0}]}],
        video_url="youtu.be/dQw4w9WgXcQ",
    ))

    page = anyone.catalog.get_product(created["id"])

    assert page["id"] == created["id"] and page["shop_id"] == shop["id"]
    assert page["price"] == {"amount": 100000, "currency": "RUB"}
    assert page["effective_price"] == {"amount": 90000, "currency": "RUB"}
    assert page["labels"] == ["new", "discount", "free_delivery"]
    assert page["dispatch_days"] == 1 and page["online_payment"] is False
    assert page["stock"] == {"mode": "tracked", "quantity": 5, "production_days": None}
    [glaze] = page["options"]
    assert glaze["id"] and [v["label"] for v in glaze["variants"]] == ["Blue", "White"]
    assert all(v["id"] for v in glaze["variants"])
    assert glaze["variants"][0]["price_delta"] == {"amount": 20000, "currency": "RUB"}
    assert page["video_url"] == "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
    assert page["shop"]["id"] == shop["id"] and page["shop"]["name"] == shop["name"]
    assert page["shop"]["rules"] == shop["rules"]
    assert "stats" not in page and "listed" not in page


def test_made_to_order_dispatches_after_production_and_shows_no_quantity(seller, shop, anyone):
    created = seller.catalog.create_product(shop["id"], product_body(
        stock={"mode": "made_to_order", "production_days": 14}))

    page = anyone.catalog.get_product(created["id"])

    assert page["dispatch_days"] == 14
    assert page["stock"] == {"mode": "made_to_order", "quantity": None, "production_days": 14}


def test_a_change_is_checked_merged_with_the_stored_product_and_keeps_option_ids(
    seller, other_seller, shop
):
    created = seller.catalog.create_product(shop["id"], product_body(
        options=[{"name": "Size", "kind": "select", "variants": [{"label": "S"}, {"label": "M"}]}]))
    option = created["options"][0]

    with pytest.raises(Forbidden):
        other_seller.catalog.update_product(created["id"], {"price": 1})
    with pytest.raises(Invalid) as refused:
        seller.catalog.update_product(created["id"], {"characteristics": {"age": ["3+"]}})
    assert set(refused.value.errors) == {"characteristics.age"}

    changed = seller.catalog.update_product(created["id"], {
        "price": 200000, "discount_percent": 25, "stock": {"quantity": 9},
        "options": [{**{k: option[k] for k in ("id", "name", "kind")}, "variants": [
            {"id": option["variants"][0]["id"], "label": "S"}, {"label": "L"}]}],
    })

    assert changed["effective_price"]["amount"] == 150000
    assert changed["stock"]["quantity"] == 9 and changed["title"] == created["title"]
    [size] = changed["options"]
    assert size["id"] == option["id"]
    assert size["variants"][0]["id"] == option["variants"][0]["id"]
    assert size["variants"][1]["id"] not in {v["id"] for v in option["variants"]}


def test_a_disabled_product_is_seen_only_by_its_owner(seller, shop, anyone):
    created = seller.catalog.create_product(shop["id"], product_body())

    disabled = seller.catalog.disable_product(created["id"])

    assert disabled["enabled"] is False
    with pytest.raises(NotFound):
        anyone.catalog.get_product(created["id"])
    with pytest.raises(NotFound):
        anyone.catalog.quote(created["id"], 1)
    assert seller.catalog.get_product(created["id"])["enabled"] is False
    assert anyone.catalog.list_products({"shop_id": shop["id"]})["total"] == 0

    seller.catalog.update_product(created["id"], {"enabled": True})
    assert anyone.catalog.get_product(created["id"])["id"] == created["id"]


def test_changes_record_their_events(amqp, seller, shop):
    tap = EventTap(amqp, "product.#")
    try:
        created = seller.catalog.create_product(shop["id"], product_body())
        seller.catalog.update_product(created["id"], {"price": 1000})
        seller.catalog.disable_product(created["id"])

        def mine():
            return [(e["type"], e["data"]) for e in tap.drain()
                    if e["data"]["product_id"] == created["id"]]

        ref = {"product_id": created["id"], "shop_id": shop["id"]}
        wait_for(lambda: len(mine()) == 4, message="the product's four events")
        assert mine() == [("product.created", ref), ("product.updated", ref),
                          ("product.updated", ref),
                          ("product.hidden", {**ref, "reason": "disabled_by_seller"})]
    finally:
        tap.close()


def test_views_are_counted_for_visitors_only(seller, shop, anyone):
    created = seller.catalog.create_product(shop["id"], product_body())
    before = seller.catalog.get_product(created["id"])["stats"]["popularity"]

    anyone.catalog.get_product(created["id"], True)
    anyone.catalog.record_view(created["id"])
    seller.catalog.get_product(created["id"], True)

    def stats():
        return seller.catalog.get_product(created["id"])["stats"]

    # Views are logged and added to the product in batches, within a second or so.
    wait_for(lambda: stats()["views"] == 2, message="both visitors' views counted")
    assert stats()["popularity"] > before
    seller.catalog.get_product(created["id"], True)
    anyone.catalog.get_product(created["id"], True)
    wait_for(lambda: stats()["views"] == 3, message="the third visitor's view counted")


def test_many_visitors_at_once_are_each_counted_once(amqp, seller, shop):
    created = seller.catalog.create_product(shop["id"], product_body())
    visitors = 24

    def visit(client):
        for _ in range(5):
            client.catalog.get_product(created["id"], True)

    all_at_once(amqp, visitors, visit)

    def views():
        return seller.catalog.get_product(created["id"])["stats"]["views"]

    wait_for(lambda: views() >= visitors * 5, message="every view counted")
    assert views() == visitors * 5


# Prices -----------------------------------------------------------------------------------------
def test_a_quote_applies_options_then_discount_then_the_wholesale_tier(seller, shop, anyone):
    created = seller.catalog.create_product(shop["id"], product_body(
        price=10000, discount_percent=10,
        options=[{"name": "Colour", "kind": "select", "required": True,
                  "variants": [{"label": "Red", "price_delta": 2000}, {"label": "Blue"}]},
                 {"name": "Name", "kind": "text"}],
        wholesale=[{"min_quantity": 3, "percent_off": 10}],
    ))
    colour, name = created["options"]
    red = colour["variants"][0]["id"]

    quote = anyone.catalog.quote(created["id"], 3, {colour["id"]: red, name["id"]: "Anna"})

    # (10000 + 2000) × 0.9 × 0.9 = 9720 per unit
    assert quote["unit_price"] == {"amount": 9720, "currency": "RUB"}
    assert quote["total"] == {"amount": 29160, "currency": "RUB"}
    assert [step["step"] for step in quote["applied"]] == ["variant", "discount", "wholesale"]
    with pytest.raises(Invalid) as refused:
        anyone.catalog.quote(created["id"], 1, {})
    assert set(refused.value.errors) == {f"options.{colour['id']}"}
    with pytest.raises(Invalid) as refused:
        anyone.catalog.quote(created["id"], "2", {})
    assert set(refused.value.errors) == {"quantity"}


def test_checkout_lines_are_priced_from_the_stored_products(seller, shop, anyone):
    mug = seller.catalog.create_product(shop["id"], product_body(price=50000, weight_grams=300))
    plate = seller.catalog.create_product(shop["id"], product_body(
        title="Plate", price=70000, free_delivery=True, category="plates-and-bowls",
        discount_percent=50))

    priced = anyone.catalog.quote_lines([{"product_id": mug["id"], "quantity": 2},
                                         {"product_id": plate["id"], "quantity": 1}])

    first, second = priced["lines"]
    assert (first["title"], first["unit_price"]["amount"], first["total"]["amount"]) == (
        "Mug with a fox", 50000, 100000)
    assert first["currency"] == "RUB" and first["shop_id"] == shop["id"]
    assert first["weight_grams"] == 300 and first["free_delivery"] is False
    assert (second["total"]["amount"], second["free_delivery"]) == (35000, True)

    seller.catalog.disable_product(plate["id"])
    with pytest.raises(Conflict) as refused:
        anyone.catalog.quote_lines([{"product_id": mug["id"], "quantity": 1},
                                    {"product_id": plate["id"], "quantity": 1}])
    assert set(refused.value.errors) == {"lines.1.product_id"}


def test_an_offer_only_product_has_no_public_price(seller, shop, anyone):
    created = seller.catalog.create_product(shop["id"], product_body(sale_mode="offer_only"))

    page = anyone.catalog.get_product(created["id"])

    assert page["price"] is None and page["effective_price"] is None
    assert seller.catalog.get_product(created["id"])["price"]["amount"] == 150000
    with pytest.raises(Conflict) as refused:
        anyone.catalog.quote(created["id"], 1)
    assert refused.value.code == "offer_only"


# Global options, collections, labels ------------------------------------------------------------
def test_global_options_attach_to_products_and_price_like_their_own(seller, other_seller, shop,
                                                                    anyone):
    engraving = seller.catalog.create_global_option(shop["id"], {
        "name": "Gift box", "kind": "checkbox", "variants": [{"label": "Box", "price_delta": 5000}]})
    with pytest.raises(Invalid) as refused:
        seller.catalog.create_global_option(shop["id"], {"name": "Empty", "kind": "radio"})
    assert set(refused.value.errors) == {"variants"}
    with pytest.raises(Forbidden):
        other_seller.catalog.list_global_options(shop["id"])
    assert [o["id"] for o in seller.catalog.list_global_options(shop["id"])["items"]] == [
        engraving["id"]]

    created = seller.catalog.create_product(shop["id"], product_body(
        price=10000, global_option_ids=[engraving["id"]]))
    box = engraving["variants"][0]["id"]

    assert created["global_options"][0]["id"] == engraving["id"]
    assert anyone.catalog.quote(created["id"], 1, {engraving["id"]: [box]})["total"]["amount"] == (
        15000)
    with pytest.raises(Invalid) as refused:
        seller.catalog.create_product(shop["id"], product_body(
            global_option_ids=["00000000-0000-4000-8000-000000000000"]))
    assert set(refused.value.errors) == {"global_option_ids"}


def test_collections_hold_the_shops_own_products_and_show_visitors_the_visible_ones(
    seller, other_seller, shop, anyone
):
    first = seller.catalog.create_product(shop["id"], product_body())
    second = seller.catalog.create_product(shop["id"], product_body(title="Mug with a hare"))
    other_shop = other_seller.catalog.create_shop({"name": "Elsewhere", "currency": "RUB"})
    foreign = other_seller.catalog.create_product(other_shop["id"], product_body())

    with pytest.raises(Invalid) as refused:
        seller.catalog.create_collection(shop["id"], {"name": "Mugs",
                                                      "product_ids": [first["id"], foreign["id"]]})
    assert set(refused.value.errors) == {"product_ids.1"}
    collection = seller.catalog.create_collection(
        shop["id"], {"name": "Mugs", "product_ids": [first["id"], second["id"]]})
    seller.catalog.disable_product(second["id"])

    assert anyone.catalog.list_collections(shop["id"])["items"] == [
        {**collection, "product_ids": [first["id"]]}]
    assert seller.catalog.list_collections(shop["id"])["items"] == [collection]


def test_only_an_admin_marks_an_official_reseller(seller, shop, admin, anyone):
    created = seller.catalog.create_product(shop["id"], product_body())

    with pytest.raises(Forbidden):
        seller.catalog.set_product_labels(created["id"], {"official_reseller": True})
    admin.catalog.set_product_labels(created["id"], {"official_reseller": True})

    assert "official_reseller" in anyone.catalog.get_product(created["id"])["labels"]
