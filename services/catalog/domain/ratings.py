"""A shop's rating (API.md: `rating: {average, count}` on the shop): the average of its public
review ratings.

The catalog keeps the integer sum and the count of the ratings, never an average, so adding one is
exact and order-free; the average is worked out when the shop is shown, rounded half-up to two
decimals (4.67 for 5, 5, 4), and is null while the shop has no rating. Every source of a rating
goes through `ShopRating.added` with one rating from 1 to 5: a buyer's public review today, a
permanent negative review that moderation adds after a confirmed complaint (seed 003) later.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any

MIN_RATING, MAX_RATING = 1, 5
DECIMALS = 2


def valid_rating(rating: Any) -> bool:
    return (isinstance(rating, int) and not isinstance(rating, bool)
            and MIN_RATING <= rating <= MAX_RATING)


@dataclass(frozen=True, slots=True)
class ShopRating:
    total: int = 0  # the sum of the ratings
    count: int = 0

    def added(self, rating: int) -> ShopRating:
        """This rating with one more; a rating outside 1..5 is a programming error."""
        if not valid_rating(rating):
            raise ValueError(f"A rating is a whole number from {MIN_RATING} to {MAX_RATING}.")
        return ShopRating(self.total + rating, self.count + 1)

    @property
    def average(self) -> float | None:
        """The mean rating, half-up to two decimals; None with no rating."""
        if not self.count:
            return None
        scale = 10**DECIMALS
        scaled = Fraction(self.total * scale, self.count)
        return ((scaled.numerator * 2 + scaled.denominator) // (2 * scaled.denominator)) / scale

    def to_dict(self) -> dict[str, Any]:
        return {"average": self.average, "count": self.count}
