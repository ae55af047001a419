"""The category tree and the characteristics each category allows (seed 003)."""

import uuid

import pytest

from services.catalog.domain.categories import (
    CHARACTERISTIC_KEYS,
    all_categories,
    ancestors,
    category_id,
    children,
    descendants,
    find_category,
    get_category,
    matches_characteristics,
    require_category,
    subtree_slugs,
    validate_characteristics,
)
from services.catalog.domain.errors import CategoryNotFound, CharacteristicsInvalid, UnknownCategory


def test_the_tree_includes_ceramics_and_the_usual_handmade_categories():
    slugs = {c.slug for c in all_categories()}

    assert {
        "ceramics",
        "jewelry",
        "clothing",
        "shoes",
        "toys",
        "home-decor",
        "art",
        "bags",
    } <= slugs
    assert {"cosmetics", "soap", "posters", "stickers", "textile", "furniture"} <= slugs


def test_every_parent_is_listed_before_its_children_and_slugs_are_unique():
    seen = set()
    for category in all_categories():
        assert category.parent_slug is None or category.parent_slug in seen
        assert category.slug not in seen
        seen.add(category.slug)


def test_ids_are_stable_uuid5_of_the_slug():
    ceramics = find_category("ceramics")

    assert ceramics.id == category_id("ceramics")
    assert ceramics.id.version == 5
    assert ceramics.id == uuid.uuid5(
        uuid.uuid5(uuid.NAMESPACE_URL, "https://atelier.market/categories"), "ceramics"
    )


def test_a_category_is_found_by_slug_by_id_and_by_id_text():
    ceramics = find_category("ceramics")

    assert find_category(ceramics.id) is ceramics
    assert find_category(str(ceramics.id)) is ceramics
    assert find_category(" Ceramics ") is ceramics
    assert find_category("pottery") is None
    assert find_category(None) is None


def test_an_unknown_product_category_is_a_validation_error_on_the_field():
    with pytest.raises(UnknownCategory) as refused:
        require_category("pottery")

    assert refused.value.code == "unknown_category"
    assert list(refused.value.errors) == ["category"]


def test_an_unknown_category_asked_for_directly_is_not_found():
    with pytest.raises(CategoryNotFound):
        get_category("pottery")


def test_the_listing_for_a_category_includes_its_sub_categories():
    assert subtree_slugs("ceramics") == {"ceramics", "mugs-and-cups", "plates-and-bowls", "vases"}
    assert [c.slug for c in descendants("clothing", include_self=False)] == [
        "womens-clothing",
        "mens-clothing",
        "boys-clothing",
        "girls-clothing",
        "knitwear",
    ]
    assert subtree_slugs("vases") == {"vases"}


def test_children_and_ancestors_follow_parent_slugs():
    assert [c.slug for c in children("art")] == ["paintings", "posters", "stickers", "postcards"]
    assert [c.slug for c in ancestors("posters")] == ["art"]
    assert ancestors("art") == ()


def test_the_seed_s_characteristics_sit_where_the_seed_puts_them():
    allowed = {c.slug: set(c.characteristics) for c in all_categories()}

    assert allowed["toys"] == {"color", "age", "gender"}
    assert allowed["textile"] == {"color", "age", "material", "gender"}
    assert allowed["diapers-and-towels"] == {"color", "material"}
    assert allowed["clothing"] == {"color", "material", "gender", "clothing_size"}
    assert "gender" not in allowed["boys-clothing"] and "gender" not in allowed["girls-clothing"]
    assert allowed["shoes"] == {"color", "shoe_size"}
    assert {"theme"} <= allowed["posters"] and {"theme"} <= allowed["stickers"]
    assert allowed["home-decor"] == {"color", "gender"}


def test_every_category_allows_colour_and_only_known_keys():
    for category in all_categories():
        assert "color" in category.characteristics
        assert set(category.characteristics) <= set(CHARACTERISTIC_KEYS)


def test_the_api_shape_of_a_category():
    assert find_category("mugs-and-cups").to_dict() == {
        "id": str(category_id("mugs-and-cups")),
        "slug": "mugs-and-cups",
        "name": "Mugs and cups",
        "parent_slug": "ceramics",
        "characteristics": ["color", "material"],
    }


def test_allowed_characteristics_are_returned_trimmed_and_without_repeats():
    toys = find_category("toys")

    cleaned = validate_characteristics(toys, {"color": [" red", "Red", "blue "], "age": ["3+"]})

    assert cleaned == {"color": ["red", "blue"], "age": ["3+"]}


def test_a_characteristic_the_category_does_not_use_is_named():
    with pytest.raises(CharacteristicsInvalid) as refused:
        validate_characteristics(
            find_category("ceramics"), {"theme": ["space"], "color": ["white"]}
        )

    assert refused.value.code == "invalid_characteristics"
    assert refused.value.errors == {
        "characteristics.theme": (
            ["Category 'ceramics' does not use 'theme'; it allows: color, material."]
        )
    }


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ([], "Give a non-empty list of values."),
        ("red", "Give a non-empty list of values."),
        (["red", ""], "Each value must be non-empty text."),
        ([3], "Each value must be non-empty text."),
        (["x" * 51], "Each value must be at most 50 characters."),
        ([f"c{i}" for i in range(21)], "At most 20 values."),
    ],
)
def test_malformed_values_are_refused(values, message):
    with pytest.raises(CharacteristicsInvalid) as refused:
        validate_characteristics(find_category("toys"), {"color": values})

    assert refused.value.errors == {"characteristics.color": [message]}


def test_an_unknown_characteristic_key_is_refused():
    with pytest.raises(CharacteristicsInvalid) as refused:
        validate_characteristics(find_category("toys"), {"flavour": ["mint"]})

    assert list(refused.value.errors) == ["characteristics.flavour"]


def test_a_filter_matches_any_asked_value_of_each_asked_key():
    product = {"color": ["Red", "white"], "material": ["linen"]}

    assert matches_characteristics(product, {"color": ["red", "blue"]})
    assert matches_characteristics(product, {"color": ["white"], "material": ["Linen"]})
    assert not matches_characteristics(product, {"color": ["blue"]})
    assert not matches_characteristics(product, {"age": ["3+"]})
    assert matches_characteristics(product, {})
