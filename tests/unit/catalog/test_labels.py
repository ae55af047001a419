"""Computed labels (seed 003, "Как добавлять этикетки на товар?")."""

from datetime import UTC, datetime, timedelta

from services.catalog.domain.labels import LabelFacts, new_until, product_labels, shop_labels

CREATED = datetime(2026, 7, 1, 12, 0, tzinfo=UTC)


def test_a_product_is_new_for_five_days_from_its_creation():
    facts = LabelFacts(created_at=CREATED)

    assert product_labels(facts, CREATED) == ["new"]
    assert product_labels(facts, CREATED + timedelta(days=5, seconds=-1)) == ["new"]
    assert product_labels(facts, CREATED + timedelta(days=5)) == []
    assert new_until(CREATED) == datetime(2026, 7, 6, 12, 0, tzinfo=UTC)


def test_a_product_bought_ten_times_is_a_hit():
    later = CREATED + timedelta(days=30)

    assert product_labels(LabelFacts(CREATED, purchases=9), later) == []
    assert product_labels(LabelFacts(CREATED, purchases=10), later) == ["hit"]


def test_a_discount_free_delivery_and_the_admin_s_reseller_flag_each_show():
    later = CREATED + timedelta(days=30)

    assert product_labels(LabelFacts(CREATED, discount_percent=1), later) == ["discount"]
    assert product_labels(LabelFacts(CREATED, free_delivery=True), later) == ["free_delivery"]
    assert product_labels(LabelFacts(CREATED, official_reseller=True), later) == [
        "official_reseller"
    ]


def test_labels_come_in_one_fixed_order():
    facts = LabelFacts(CREATED, 12, 15, True, True)

    assert product_labels(facts, CREATED + timedelta(days=1)) == [
        "new",
        "hit",
        "discount",
        "free_delivery",
        "official_reseller",
    ]


def test_a_verified_shop_carries_the_reliable_seller_label():
    assert shop_labels(True) == ["reliable_seller"]
    assert shop_labels(False) == []
