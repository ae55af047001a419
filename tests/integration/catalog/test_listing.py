"""The storefront listing: category subtrees, text search, price bounds on the effective price,
characteristic filters, the five sort orders and pages. Each test lists its own shop's products."""

from __future__ import annotations

import pytest

from services.common.errors import Invalid
from tests.integration.catalog.support import product_body

pytestmark = pytest.mark.integration


@pytest.fixture
def products(seller, shop):
    def add(title, category, price, **extra):
        body = product_body(title=title, category=category, price=price, **extra)
        return seller.catalog.create_product(shop["id"], body)["id"]

    return {
        "mug": add("Blue fox mug", "mugs-and-cups", 100000,
                   characteristics={"color": ["Blue"]}),
        "vase": add("Green vase", "vases", 300000, discount_percent=50,
                    characteristics={"color": ["Green"]}),
        "earrings": add("Fox earrings", "earrings", 50000,
                        characteristics={"color": ["blue"], "material": ["Silver"]}),
        "plate": add("Plate on request", "plates-and-bowls", 200000, sale_mode="offer_only",
                     characteristics={}),
    }


def titles(anyone, shop, **query):
    page = anyone.catalog.list_products({"shop_id": shop["id"], **query})
    return [item["title"] for item in page["items"]]


def test_a_category_includes_its_sub_categories(anyone, shop, products):
    assert set(titles(anyone, shop, category="ceramics")) == {
        "Blue fox mug", "Green vase", "Plate on request"}
    assert titles(anyone, shop, category="mugs-and-cups") == ["Blue fox mug"]
    with pytest.raises(Invalid) as refused:
        anyone.catalog.list_products({"category": "spaceships"})
    assert set(refused.value.errors) == {"category"}


def test_text_search_needs_every_word_in_any_case(seller, anyone, shop, products):
    seller.catalog.create_product(shop["id"], product_body(title="Кружка с лисой"))

    assert set(titles(anyone, shop, q="fox")) == {"Blue fox mug", "Fox earrings"}
    assert titles(anyone, shop, q="FOX Mug") == ["Blue fox mug"]
    assert titles(anyone, shop, q="ЛИСОЙ") == ["Кружка с лисой"]
    assert titles(anyone, shop, q="silver") == ["Fox earrings"]  # characteristic values count
    assert titles(anyone, shop, q="100%_") == []


def test_text_search_matches_word_forms_ranks_by_field_and_reads_the_whole_description(
    seller, anyone, shop
):
    def add(title, description="", **characteristics):
        body = product_body(title=title, description=description,
                            characteristics=characteristics or {"color": ["Blue"]})
        return seller.catalog.create_product(shop["id"], body)["id"]

    add("Кружка с лисой")
    add("Плед", description="Хорошо смотрится рядом с кружками. " + "Шерсть. " * 200
        + "В подарок к кружке.")
    add("Мыло", color=["Кружки"])  # a characteristic value
    add("Beeswax candles")

    # Every form of the word, the title first, then characteristics, then the description,
    # though the description match is the newest.
    assert titles(anyone, shop, q="кружками") == ["Кружка с лисой", "Мыло", "Плед"]
    assert titles(anyone, shop, q="подарок") == ["Плед"]  # past the description's 1,600th letter
    assert titles(anyone, shop, q="candle") == ["Beeswax candles"]
    assert titles(anyone, shop, q="candel") == ["Beeswax candles"]  # one typo in a long word
    assert titles(anyone, shop, q="mugg") == []  # none in a short one
    # Another sort keeps the search as a filter only.
    assert titles(anyone, shop, q="кружка", sort="newest") == ["Мыло", "Плед", "Кружка с лисой"]
    page = anyone.catalog.list_products({"shop_id": shop["id"], "q": "кружка", "per_page": 1,
                                         "page": 2})
    assert (page["total"], [i["title"] for i in page["items"]]) == (3, ["Мыло"])
    assert "total_capped" not in page


def test_a_changed_product_is_found_by_its_new_words_only(seller, anyone, shop):
    product = seller.catalog.create_product(shop["id"], product_body(title="Linen apron"))

    seller.catalog.update_product(product["id"], {"title": "Woollen scarf",
                                                  "characteristics": {"color": ["Green"]}})

    assert titles(anyone, shop, q="apron") == []
    assert titles(anyone, shop, q="scarves") == ["Woollen scarf"]
    assert titles(anyone, shop, q="green") == ["Woollen scarf"]


def test_price_bounds_apply_to_the_effective_price_and_leave_out_offer_only(
    anyone, shop, products
):
    assert set(titles(anyone, shop, min_price=100000, max_price=150000)) == {
        "Blue fox mug", "Green vase"}
    assert titles(anyone, shop, max_price=60000) == ["Fox earrings"]


def test_characteristics_filter_case_insensitively_any_value_of_each_key(anyone, shop, products):
    assert set(titles(anyone, shop, color="BLUE")) == {"Blue fox mug", "Fox earrings"}
    assert titles(anyone, shop, color=["green", "blue"], material="silver") == ["Fox earrings"]


def test_the_five_sort_orders(anyone, shop, products):
    assert titles(anyone, shop, sort="price_asc") == [
        "Fox earrings", "Blue fox mug", "Green vase", "Plate on request"]
    assert titles(anyone, shop, sort="price_desc") == [
        "Green vase", "Blue fox mug", "Fox earrings", "Plate on request"]
    assert titles(anyone, shop, sort="discount")[0] == "Green vase"
    assert titles(anyone, shop, sort="newest") == [
        "Plate on request", "Fox earrings", "Green vase", "Blue fox mug"]
    with pytest.raises(Invalid) as refused:
        anyone.catalog.list_products({"sort": "cheapest"})
    assert set(refused.value.errors) == {"sort"}


def test_pages_and_cards(anyone, shop, products):
    page = anyone.catalog.list_products({"shop_id": shop["id"], "sort": "price_asc",
                                         "page": 2, "per_page": 2})

    assert (page["page"], page["per_page"], page["total"]) == (2, 2, 4)
    vase, plate = page["items"]
    assert vase["effective_price"] == {"amount": 150000, "currency": "RUB"}
    assert vase["labels"] == ["new", "discount"]
    assert plate["price"] is None and plate["effective_price"] is None
    past_the_end = anyone.catalog.list_products({"shop_id": shop["id"], "page": 3,
                                                 "per_page": 2})
    assert (past_the_end["items"], past_the_end["total"]) == ([], 4)
    nothing = anyone.catalog.list_products({"shop_id": shop["id"], "q": "teapot"})
    assert (nothing["items"], nothing["total"]) == ([], 0)
    with pytest.raises(Invalid) as refused:
        anyone.catalog.list_products({"per_page": 101, "page": 0, "colour": "red"})
    assert set(refused.value.errors) == {"per_page", "page", "colour"}
