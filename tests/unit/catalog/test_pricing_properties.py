"""Properties of line pricing that must hold for every product, choice and quantity."""

from fractions import Fraction

from hypothesis import assume, given
from hypothesis import strategies as st

from services.catalog.domain.model import Option, OptionKind, Variant, WholesaleTier
from services.catalog.domain.pricing import PricedProduct, quote_line, round_half_up
from services.catalog.domain.products import wholesale_errors
from services.common.money import Money

prices = st.integers(min_value=0, max_value=10_000_000)
deltas = st.integers(min_value=0, max_value=1_000_000)
discounts = st.integers(min_value=0, max_value=99)
quantities = st.integers(min_value=1, max_value=500)


@st.composite
def any_tiers(draw, price):
    """Tiers of every kind, including ones validation would refuse (pricing must stay sane)."""
    min_quantities = sorted(draw(st.sets(st.integers(2, 50), max_size=4)))
    tiers = []
    for min_quantity in min_quantities:
        kind = draw(st.sampled_from(["percent_off", "unit_price", "set_price"]))
        if kind == "percent_off":
            value = draw(st.integers(0, 100))
        elif kind == "unit_price":
            value = draw(st.integers(0, 2 * price + 1))
        else:
            value = draw(st.integers(0, 2 * price * min_quantity + 1))
        tiers.append(WholesaleTier(min_quantity, **{kind: value}))
    return tuple(tiers)


@st.composite
def percent_tiers(draw):
    min_quantities = sorted(draw(st.sets(st.integers(2, 30), min_size=1, max_size=4)))
    percents = sorted(
        draw(
            st.lists(st.integers(1, 99), min_size=len(min_quantities), max_size=len(min_quantities))
        )
    )
    return tuple(
        WholesaleTier(q, percent_off=p) for q, p in zip(min_quantities, percents, strict=True)
    )


@st.composite
def products(draw, tiers=None):
    price = draw(prices)
    colour = Option(
        "Colour",
        OptionKind.SELECT,
        variants=tuple(Variant(f"v{i}", draw(deltas), id=f"v{i}") for i in range(3)),
        id="colour",
    )
    wholesale = draw(any_tiers(price)) if tiers is None else draw(tiers)
    product = PricedProduct(Money(price, "RUB"), draw(discounts), (colour,), wholesale)
    selection = draw(st.sampled_from([{}, {"colour": "v0"}, {"colour": "v1"}, {"colour": "v2"}]))
    return product, selection


@given(products(), quantities)
def test_a_line_total_is_never_negative(case, quantity):
    product, selection = case

    quote = quote_line(product, quantity, selection)

    assert quote.total.amount >= 0
    assert quote.unit_price.amount >= 0


@given(products(tiers=percent_tiers()), quantities)
def test_with_valid_percentage_tiers_more_units_never_cost_less(case, quantity):
    product, selection = case
    # a tier so deep that m units cost less than m − 1 (2 at 60 % off) is refused on save
    assume(wholesale_errors(product.wholesale, product.price.amount,
                            product.discount_percent) == {})

    smaller = quote_line(product, quantity, selection)
    larger = quote_line(product, quantity + 1, selection)

    assert larger.total.amount >= smaller.total.amount


@given(products(), quantities)
def test_with_any_valid_tiers_more_units_never_cost_less(case, quantity):
    product, selection = case
    assume(wholesale_errors(product.wholesale, product.price.amount,
                            product.discount_percent) == {})

    smaller = quote_line(product, quantity, selection)
    larger = quote_line(product, quantity + 1, selection)

    assert larger.total.amount >= smaller.total.amount


@given(prices, deltas, quantities)
def test_without_tiers_or_discount_the_total_is_the_unit_times_the_quantity(price, delta, quantity):
    option = Option("Size", OptionKind.RADIO, True, (Variant("L", delta, id="l"),), id="size")
    product = PricedProduct(Money(price, "RUB"), options=(option,))

    quote = quote_line(product, quantity, {"size": "l"})

    assert quote.unit_price.amount == price + delta
    assert quote.total.amount == (price + delta) * quantity


@given(products(), quantities)
def test_the_total_is_the_exact_line_rounded_half_up_once(case, quantity):
    product, selection = case

    quote = quote_line(product, quantity, selection)

    exact_total = quote.exact_unit * quantity
    assert quote.total.amount == round_half_up(exact_total)
    assert abs(quote.total.amount - exact_total) <= Fraction(1, 2)
    assert quote.unit_price.amount == round_half_up(quote.exact_unit)


@given(prices, discounts, quantities)
def test_a_discount_alone_is_the_exact_share_of_the_list_total(price, discount, quantity):
    product = PricedProduct(Money(price, "RUB"), discount)

    quote = quote_line(product, quantity)

    assert quote.total.amount == round_half_up(Fraction(price * (100 - discount) * quantity, 100))
