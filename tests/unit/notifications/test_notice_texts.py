"""What the notices say."""

from services.notifications import domain

ORDER = "3f2a9c1e-0000-4000-8000-000000000001"


def test_a_shipment_notice_names_the_carrier_the_track_and_its_link():
    text = domain.shipped({"order_id": ORDER, "carrier": "cdek", "tracking_number": "1234567890",
                           "tracking_url": "https://www.cdek.ru/ru/tracking?order_id=1234567890"})
    assert text.title == "Your order has shipped"
    assert text.body.splitlines() == [
        "Your order 3f2a9c1e is on its way with CDEK.",
        "Tracking number: 1234567890.",
        "Follow it at https://www.cdek.ru/ru/tracking?order_id=1234567890",
    ]


def test_a_courier_without_a_track_is_announced_without_one():
    text = domain.shipped({"order_id": ORDER, "carrier": "courier"})
    assert text.body == "Your order 3f2a9c1e is on its way with courier."


def test_amounts_read_in_roubles_with_kopecks_only_when_there_are_some():
    assert domain.money({"amount": 135000, "currency": "RUB"}) == "1,350 ₽"
    assert domain.money({"amount": 12050, "currency": "RUB"}) == "120.50 ₽"
    assert domain.money({"amount": 5, "currency": "EUR"}) == "0.05 €"
    assert domain.money({"amount": 100, "currency": "KZT"}) == "1 KZT"


def test_an_order_left_unshipped_names_its_status_in_words_and_the_day_it_was_placed():
    text = domain.unshipped_at_close_to_admins({
        "order_id": ORDER, "shop_id": "9b1d2c3e-0000-4000-8000-000000000002",
        "status": "partially_paid", "placed_at": "2026-03-02T23:30:00+00:00"})
    assert text.body == ("Order 3f2a9c1e of shop 9b1d2c3e, placed on 2026-03-02, reached its "
                         "auto-close deadline still partially paid: it was never shipped.")


def test_a_pickup_is_told_as_handed_over_not_as_on_its_way():
    text = domain.shipped({"order_id": ORDER, "carrier": "pickup",
                           "tracking_number": None})
    assert text.title == "Your order was handed over"
    assert "on its way" not in text.body
