"""Line pricing: options, discount, wholesale tiers, one rounding (seed 003's worked examples)."""

from fractions import Fraction

import pytest

from services.catalog.domain.errors import QuoteInvalid
from services.catalog.domain.model import Option, OptionKind, Variant, WholesaleTier
from services.catalog.domain.pricing import (
    PricedProduct,
    effective_price,
    quote_line,
    round_half_up,
    tier_for,
)
from services.common.money import Money

RUB = "RUB"
COLOUR = Option(
    name="Colour",
    kind=OptionKind.SELECT,
    required=True,
    variants=(
        Variant("red", 2000, id="red"),
        Variant("white", 3000, id="white"),
        Variant("blue", 0, id="blue"),
    ),
    id="colour",
)
EXTRAS = Option(
    name="Extras",
    kind=OptionKind.CHECKBOX,
    variants=(Variant("gift box", 500, id="box"), Variant("card", 150, id="card")),
    id="extras",
)
NAME = Option(name="Name to embroider", kind=OptionKind.TEXT, id="name")
FIXED_TIERS = (WholesaleTier(2, set_price=180000), WholesaleTier(3, set_price=260000))
PERCENT_TIERS = (WholesaleTier(2, percent_off=10), WholesaleTier(3, percent_off=20))


def item_at_100_rub(**overrides):
    """Seed 003: an item at 100 ₽ in red (+20), white (+30) or blue (+0)."""
    return PricedProduct(**{"price": Money(10000, RUB), "options": (COLOUR,), **overrides})


def item_at_1000_rub(**overrides):
    return PricedProduct(price=Money(100000, RUB), **overrides)


@pytest.mark.parametrize(("colour", "unit"), [("red", 12000), ("white", 13000), ("blue", 10000)])
def test_a_variant_adds_its_price_difference_to_the_unit(colour, unit):
    quote = quote_line(item_at_100_rub(), 1, {"colour": colour})

    assert quote.unit_price == Money(unit, RUB)
    assert quote.total == Money(unit, RUB)


def test_the_total_is_the_unit_times_the_quantity_and_the_variant_is_listed_as_applied():
    quote = quote_line(item_at_100_rub(), 3, {"colour": "red"})

    assert quote.total == Money(36000, RUB)
    assert quote.applied == (
        {
            "step": "variant",
            "option_id": "colour",
            "option": "Colour",
            "variant_id": "red",
            "label": "red",
            "price_delta": 2000,
            "description": "Colour: red (+20.00 RUB)",
        },
    )


@pytest.mark.parametrize(("quantity", "total"), [(1, 100000), (2, 180000), (3, 260000)])
def test_fixed_wholesale_prices_cost_exactly_what_the_seller_wrote(quantity, total):
    quote = quote_line(item_at_1000_rub(wholesale=FIXED_TIERS), quantity)

    assert quote.total == Money(total, RUB)


def test_above_the_last_tier_its_unit_price_applies_and_the_total_is_rounded_once():
    # 4 × 2600 / 3 = 3466.666… ₽ → 3466.67 ₽
    quote = quote_line(item_at_1000_rub(wholesale=FIXED_TIERS), 4)

    assert quote.total == Money(346667, RUB)
    assert quote.unit_price == Money(86667, RUB)
    assert quote.applied[-1] == {
        "step": "wholesale",
        "min_quantity": 3,
        "kind": "set_price",
        "value": 260000,
        "description": "Wholesale from 3: 3 for 2600.00 RUB",
    }


@pytest.mark.parametrize(
    ("quantity", "total"), [(1, 100000), (2, 180000), (3, 240000), (5, 400000)]
)
def test_percentage_tiers_take_their_share_off_from_their_quantity_on(quantity, total):
    quote = quote_line(item_at_1000_rub(wholesale=PERCENT_TIERS), quantity)

    assert quote.total == Money(total, RUB)


def test_a_unit_price_tier_sets_the_price_of_each_unit():
    product = item_at_1000_rub(wholesale=(WholesaleTier(5, unit_price=85000),))

    assert quote_line(product, 4).total == Money(400000, RUB)
    assert quote_line(product, 5).total == Money(425000, RUB)


def test_discount_applies_after_the_variants_and_before_the_tier():
    # (100 + 30) ₽, −10 % = 117 ₽, then −20 % from 3 units = 93.60 ₽; × 3 = 280.80 ₽
    product = item_at_100_rub(discount_percent=10, wholesale=PERCENT_TIERS)

    quote = quote_line(product, 3, {"colour": "white"})

    assert quote.total == Money(28080, RUB)
    assert [step["step"] for step in quote.applied] == ["variant", "discount", "wholesale"]
    assert quote.applied[1] == {"step": "discount", "percent": 10, "description": "Discount 10 %"}


def test_a_fixed_tier_gives_a_variant_the_same_relative_saving():
    # 2 for 1800 is 90 % of the list price; red costs 120 ₽ → 108 ₽ each
    product = PricedProduct(
        price=Money(10000, RUB), options=(COLOUR,), wholesale=(WholesaleTier(2, set_price=18000),)
    )

    assert quote_line(product, 2, {"colour": "red"}).total == Money(21600, RUB)


def test_a_tier_dearer_than_the_list_price_never_raises_the_price():
    # left behind by a later price cut; validation refuses it on the next save
    product = item_at_1000_rub(wholesale=(WholesaleTier(2, unit_price=120000),))

    assert quote_line(product, 2).total == Money(200000, RUB)


def test_a_unit_price_tier_is_the_price_for_that_quantity_even_with_a_discount():
    # 1000 ₽ at 10 % off is 900 ₽; from 2 units the seller's 850 ₽ each, not 850 − 10 %
    product = item_at_1000_rub(discount_percent=10, wholesale=(WholesaleTier(2, unit_price=85000),))

    one, two = quote_line(product, 1), quote_line(product, 2)

    assert (one.unit_price, one.total) == (Money(90000, RUB), Money(90000, RUB))
    assert (two.unit_price, two.total) == (Money(85000, RUB), Money(170000, RUB))
    assert [step["step"] for step in two.applied] == ["discount", "wholesale"]


def test_a_set_price_is_the_price_of_its_quantity_and_the_discount_does_not_apply_on_top():
    # 3 for 2600 on a product at 10 % off: 3 cost 2600 (not 2340); 2 at 10 % off cost 1800
    product = item_at_1000_rub(discount_percent=10, wholesale=(WholesaleTier(3, set_price=260000),))

    assert quote_line(product, 2).total == Money(180000, RUB)
    assert quote_line(product, 3).total == Money(260000, RUB)


def test_a_price_tier_above_the_discounted_price_leaves_the_discount_standing():
    # 1000 ₽ at 20 % off is 800 ₽, below the tier's 850 ₽: the buyer of 2 pays 800 ₽ each
    product = item_at_1000_rub(discount_percent=20, wholesale=(WholesaleTier(2, unit_price=85000),))

    quote = quote_line(product, 2)

    assert quote.total == Money(160000, RUB)
    assert [step["step"] for step in quote.applied] == ["discount"]


def test_a_percentage_tier_applies_on_top_of_the_discount():
    # 1000 ₽ at 10 % off = 900 ₽, then 20 % off from 3 units = 720 ₽ each
    product = item_at_1000_rub(discount_percent=10, wholesale=PERCENT_TIERS)

    assert quote_line(product, 3).total == Money(3 * 72000, RUB)


def test_the_total_is_rounded_half_up_once_on_the_line_not_per_unit():
    # 0.99 ₽ − 50 % = 0.495 ₽ a unit; 3 units = 1.485 ₽ → 1.49 ₽ (per-unit rounding would give 1.50)
    product = PricedProduct(price=Money(99, RUB), discount_percent=50)

    quote = quote_line(product, 3)

    assert quote.total == Money(149, RUB)
    assert quote.unit_price == Money(50, RUB)
    assert quote.exact_unit == Fraction(99, 2)


def test_checkbox_variants_add_up_and_a_repeated_tick_counts_once():
    product = item_at_100_rub(options=(COLOUR, EXTRAS))

    quote = quote_line(product, 1, {"colour": "blue", "extras": ["box", "card", "box"]})

    assert quote.total == Money(10650, RUB)
    assert [v.id for v in quote.chosen[1].variants] == ["box", "card"]


def test_an_optional_checkbox_may_be_left_empty():
    product = item_at_100_rub(options=(COLOUR, EXTRAS))

    assert quote_line(product, 1, {"colour": "blue", "extras": []}).total == Money(10000, RUB)


def test_a_text_option_is_kept_with_the_line_and_costs_nothing():
    product = item_at_100_rub(options=(COLOUR, NAME))

    quote = quote_line(product, 1, {"colour": "blue", "name": "  Masha "})

    assert quote.total == Money(10000, RUB)
    assert quote.to_dict()["options"] == [
        {
            "option_id": "colour",
            "name": "Colour",
            "kind": "select",
            "variants": [{"id": "blue", "label": "blue", "price_delta": 0}],
        },
        {"option_id": "name", "name": "Name to embroider", "kind": "text", "text": "Masha"},
    ]


def test_the_quote_body_carries_money_objects():
    body = quote_line(item_at_100_rub(), 2, {"colour": "blue"}).to_dict()

    assert body["unit_price"] == {"amount": 10000, "currency": RUB}
    assert body["total"] == {"amount": 20000, "currency": RUB}
    assert body["quantity"] == 2


def test_a_required_option_left_out_is_refused():
    with pytest.raises(QuoteInvalid) as refused:
        quote_line(item_at_100_rub(), 1, {})

    assert refused.value.code == "invalid_quote"
    assert refused.value.errors == {
        "options.colour": ["Option 'Colour' is required: choose a variant."]
    }


def test_a_required_text_left_blank_is_refused():
    product = item_at_100_rub(options=(Option("Name", OptionKind.TEXT, True, id="name"),))

    with pytest.raises(QuoteInvalid) as refused:
        quote_line(product, 1, {"name": "   "})

    assert refused.value.errors == {"options.name": ["Option 'Name' is required: write the text."]}


def test_unknown_options_and_variants_are_named():
    with pytest.raises(QuoteInvalid) as refused:
        quote_line(item_at_100_rub(), 1, {"colour": "green", "size": "xl"})

    assert refused.value.errors == {
        "options.size": ["This product has no such option."],
        "options.colour": ["Option 'Colour' has no variant 'green'."],
    }


def test_a_single_choice_option_refuses_two_variants():
    with pytest.raises(QuoteInvalid) as refused:
        quote_line(item_at_100_rub(), 1, {"colour": ["red", "white"]})

    assert refused.value.errors == {"options.colour": ["Option 'Colour' takes exactly one variant."]}


@pytest.mark.parametrize("quantity", [0, -1, True, 1.5])
def test_a_quantity_that_is_not_a_positive_whole_number_is_refused(quantity):
    with pytest.raises(QuoteInvalid) as refused:
        quote_line(item_at_1000_rub(), quantity)

    assert refused.value.errors == {"quantity": ["Give a whole number of at least 1."]}


def test_the_highest_tier_not_above_the_quantity_is_chosen():
    assert tier_for(FIXED_TIERS, 1) is None
    assert tier_for(FIXED_TIERS, 2) == FIXED_TIERS[0]
    assert tier_for(tuple(reversed(FIXED_TIERS)), 7) == FIXED_TIERS[1]


def test_the_effective_price_is_the_discounted_price_rounded_half_up():
    assert effective_price(Money(10000, RUB), 0) == Money(10000, RUB)
    assert effective_price(Money(10000, RUB), 15) == Money(8500, RUB)
    assert effective_price(Money(99, RUB), 50) == Money(50, RUB)


@pytest.mark.parametrize(
    ("value", "rounded"),
    [
        (Fraction(1, 2), 1),
        (Fraction(3, 2), 2),
        (Fraction(149, 100), 1),
        (Fraction(-1, 2), -1),
        (7, 7),
    ],
)
def test_rounding_sends_halves_away_from_zero(value, rounded):
    assert round_half_up(value) == rounded


def test_a_stored_product_in_the_api_shape_can_be_quoted():
    stored = {
        "price": 10000,
        "discount_percent": 10,
        "options": [
            {
                "id": "colour",
                "name": "Colour",
                "kind": "radio",
                "required": True,
                "variants": [{"id": "red", "label": "red", "price_delta": 2000}],
            }
        ],
        "wholesale": [{"min_quantity": 2, "percent_off": 10}],
    }

    quote = quote_line(PricedProduct.from_dict(stored, RUB), 2, {"colour": "red"})

    # 120 ₽ − 10 % = 108 ₽, − 10 % from 2 units = 97.20 ₽; × 2 = 194.40 ₽
    assert quote.total == Money(19440, RUB)
