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
