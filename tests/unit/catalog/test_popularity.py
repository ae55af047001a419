"""The popularity score: the documented formula, and monotone in every signal."""

import math
from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.catalog.domain.popularity import PopularitySignals, popularity_score

signals = st.builds(
    PopularitySignals,
    sales=st.integers(0, 10**6),
    views=st.integers(0, 10**7),
    cart_adds=st.integers(0, 10**6),
    images=st.integers(0, 30),
    has_options=st.booleans(),
    reliable_seller=st.booleans(),
    review_count=st.integers(0, 10**5),
    average_rating=st.floats(1, 5),
    online_payment=st.booleans(),
)
GROWTHS = {
    "sales": lambda s: replace(s, sales=s.sales + 1),
    "views": lambda s: replace(s, views=s.views + 1),
    "cart_adds": lambda s: replace(s, cart_adds=s.cart_adds + 1),
    "images": lambda s: replace(s, images=s.images + 1),
    "has_options": lambda s: replace(s, has_options=True),
    "reliable_seller": lambda s: replace(s, reliable_seller=True),
    "review_count": lambda s: replace(s, review_count=s.review_count + 1),
    "average_rating": lambda s: replace(s, average_rating=min(s.average_rating + 0.5, 5.0)),
    "online_payment": lambda s: replace(s, online_payment=True),
}


def test_a_product_with_no_signals_scores_zero():
    assert popularity_score(PopularitySignals()) == 0.0


def test_the_score_follows_the_documented_formula():
    product = PopularitySignals(
        sales=3,
        views=99,
        cart_adds=9,
        images=4,
        has_options=True,
        reliable_seller=True,
        review_count=7,
        average_rating=4.0,
        online_payment=True,
    )

    expected = (
        4 * math.log(4)
        + math.log(100)
        + 2 * math.log(10)
        + 2 * math.log(8) * 0.75
        + 1.5
        + 0.5
        + 2.0
        + 1.0
    )
    assert popularity_score(product) == round(expected, 6)


def test_four_images_earn_the_bonus_three_do_not():
    assert popularity_score(PopularitySignals(images=3)) == 0.0
    assert popularity_score(PopularitySignals(images=4)) == 1.5


def test_one_star_reviews_add_nothing_and_five_star_ones_the_full_weight():
    assert popularity_score(PopularitySignals(review_count=20, average_rating=1.0)) == 0.0
    assert popularity_score(PopularitySignals(review_count=1, average_rating=5.0)) == round(
        2 * math.log(2), 6
    )


def test_a_sale_outweighs_a_cart_add_which_outweighs_a_view():
    sale = popularity_score(PopularitySignals(sales=1))
    cart_add = popularity_score(PopularitySignals(cart_adds=1))
    view = popularity_score(PopularitySignals(views=1))

    assert sale > cart_add > view > 0


@pytest.mark.parametrize("signal", sorted(GROWTHS))
@given(product=signals)
def test_the_score_never_falls_when_a_signal_grows(signal, product):
    assert popularity_score(GROWTHS[signal](product)) >= popularity_score(product)
