"""Popularity: the score the `popularity` sort orders by (seed 003, "Как сортируются товары").

The seed names the signals: sales, views, cart adds, the number of images (4 or more), whether the
product has options, the "Reliable seller" label, reviews, and whether the seller takes online
payment. Counts grow without bound and a few viral products must not bury everything else, so
counts enter through ln(1 + n); the yes/no signals add a fixed bonus:

    score = 4.0 · ln(1 + sales)
          + 1.0 · ln(1 + views)
          + 2.0 · ln(1 + cart_adds)
          + 2.0 · ln(1 + review_count) · (average_rating − 1) / 4
          + 1.5 · [images ≥ 4]
          + 0.5 · [has options]
          + 2.0 · [reliable seller]
          + 1.0 · [online payment]

A sale weighs most (money changed hands), a cart add twice a view (intent). Reviews count by how
many there are, scaled by how good they are: a 1-star average adds nothing and a 5-star one the full
weight, so bad reviews never lift a product (and, to keep the score monotone, never push it under a
product without reviews; the reviews themselves warn buyers). The score never decreases when any
input grows; it is rounded to 6 decimals so it stores and compares the same everywhere.
Promoted products are not scored higher here: the listing puts them first, by bid (seed 003).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

W_SALES = 4.0
W_VIEWS = 1.0
W_CART_ADDS = 2.0
W_REVIEWS = 2.0
BONUS_IMAGES = 1.5
BONUS_OPTIONS = 0.5
BONUS_RELIABLE_SELLER = 2.0
BONUS_ONLINE_PAYMENT = 1.0
IMAGES_FOR_BONUS = 4


@dataclass(frozen=True, slots=True)
class PopularitySignals:
    sales: int = 0
    views: int = 0
    cart_adds: int = 0
    images: int = 0
    has_options: bool = False
    reliable_seller: bool = False
    review_count: int = 0
    average_rating: float = 0.0  # 1..5 when there are reviews
    online_payment: bool = False


def popularity_score(signals: PopularitySignals) -> float:
    """The documented formula above; negative counts are read as 0, ratings clamped to 1..5."""
    score = (
        W_SALES * _log_count(signals.sales)
        + W_VIEWS * _log_count(signals.views)
        + W_CART_ADDS * _log_count(signals.cart_adds)
        + W_REVIEWS * _log_count(signals.review_count) * _rating_quality(signals)
        + BONUS_IMAGES * (signals.images >= IMAGES_FOR_BONUS)
        + BONUS_OPTIONS * signals.has_options
        + BONUS_RELIABLE_SELLER * signals.reliable_seller
        + BONUS_ONLINE_PAYMENT * signals.online_payment
    )
    return round(score, 6)


def _log_count(count: int) -> float:
    return math.log1p(max(count, 0))


def _rating_quality(signals: PopularitySignals) -> float:
    """0 for a 1-star average, 1 for 5 stars; 0 without reviews."""
    if signals.review_count <= 0:
        return 0.0
    rating = min(max(float(signals.average_rating), 1.0), 5.0)
    return (rating - 1.0) / 4.0
