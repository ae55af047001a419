"""A shop's rating: the average of its public review ratings, kept as an exact sum and count."""

import pytest

from services.catalog.domain.ratings import ShopRating


def test_a_shop_without_ratings_has_no_average():
    assert ShopRating().to_dict() == {"average": None, "count": 0}


def test_the_average_is_rounded_half_up_to_two_decimals():
    rating = ShopRating()
    for stars in (5, 5, 4):
        rating = rating.added(stars)

    assert (rating.total, rating.count) == (14, 3)
    assert rating.to_dict() == {"average": 4.67, "count": 3}


@pytest.mark.parametrize(("total", "count", "average"), [
    (9, 2, 4.5), (5, 1, 5.0), (1, 3, 0.33), (2, 3, 0.67), (27, 8, 3.38), (1, 8, 0.13),
])
def test_averages_of_sums_and_counts(total, count, average):
    assert ShopRating(total, count).average == average


@pytest.mark.parametrize("bad", [0, 6, -1, True, 4.5, "5", None])
def test_only_a_whole_rating_from_one_to_five_is_added(bad):
    with pytest.raises(ValueError):
        ShopRating().added(bad)
