"""Stock: availability and all-or-nothing reservations (seed 003, "В наличии или на заказ?")."""

import pytest

from services.catalog.domain.errors import OutOfStock, ReservationInvalid
from services.catalog.domain.model import StockMode
from services.catalog.domain.stock import (
    Reservation,
    ReservationLine,
    Shortage,
    StockLevel,
    apply_reservation,
    available_quantity,
    fulfil,
    on_hand_for_available,
    release,
    reserve,
)

MUG = StockLevel("mug", StockMode.TRACKED, quantity=5, reserved=2)
VASE = StockLevel("vase", StockMode.TRACKED, quantity=1)
DOLL = StockLevel("doll", StockMode.MADE_TO_ORDER)
SOAP = StockLevel("soap", StockMode.UNTRACKED)
LEVELS = {level.product_id: level for level in (MUG, VASE, DOLL, SOAP)}


def test_available_is_the_quantity_on_hand_less_what_live_orders_hold():
    assert MUG.available == 3
    assert available_quantity(StockMode.TRACKED, 2, 5) == 0


def test_made_to_order_and_untracked_products_never_run_out():
    assert DOLL.available is None
    assert SOAP.available is None
    assert DOLL.can_supply(10_000) and SOAP.can_supply(10_000)


def test_a_seller_who_types_the_available_count_keeps_what_orders_hold_on_top():
    assert on_hand_for_available(5, reserved=2) == 7
    assert StockLevel("mug", StockMode.TRACKED, on_hand_for_available(5, 2), 2).available == 5


def test_a_reservation_that_fits_holds_every_line():
    reservation = reserve(
        "order-1",
        [ReservationLine("mug", 3), ReservationLine("doll", 2), ReservationLine("soap", 40)],
        LEVELS,
    )

    assert reservation == Reservation(
        "order-1",
        (ReservationLine("mug", 3), ReservationLine("doll", 2), ReservationLine("soap", 40)),
    )
    after = apply_reservation(LEVELS, reservation)
    assert after["mug"] == StockLevel("mug", StockMode.TRACKED, quantity=5, reserved=5)
    assert after["mug"].available == 0
    assert after["doll"] == DOLL and after["soap"] == SOAP


def test_lines_of_one_product_with_different_options_are_summed():
    reservation = reserve("order-2", [ReservationLine("mug", 2), ReservationLine("mug", 1)], LEVELS)

    assert reservation.lines == (ReservationLine("mug", 3),)
    assert reservation.quantity_of("mug") == 3


def test_a_reservation_that_does_not_fit_fails_whole_and_names_each_shortage():
    lines = [
        ReservationLine("mug", 2),
        ReservationLine("mug", 2),
        ReservationLine("vase", 2),
        ReservationLine("soap", 1),
        ReservationLine("gone", 1),
    ]

    with pytest.raises(OutOfStock) as refused:
        reserve("order-3", lines, LEVELS)

    error = refused.value
    assert error.code == "out_of_stock"
    assert error.kind == "conflict"
    assert error.shortages == (
        Shortage("mug", 4, 3),
        Shortage("vase", 2, 1),
        Shortage("gone", 1, 0),
    )
    assert error.errors == {
        "lines": [
            {"product_id": "mug", "requested": 4, "available": 3},
            {"product_id": "vase", "requested": 2, "available": 1},
            {"product_id": "gone", "requested": 1, "available": 0},
        ]
    }
    assert error.detail == "Not enough stock for: mug, vase, gone"


def test_a_reservation_of_exactly_what_is_left_fits():
    assert reserve("order-4", [ReservationLine("vase", 1)], LEVELS).lines == (
        ReservationLine("vase", 1),
    )


@pytest.mark.parametrize("quantity", [0, -2, True])
def test_a_line_without_a_positive_whole_quantity_is_refused(quantity):
    with pytest.raises(ReservationInvalid) as refused:
        reserve("order-5", [ReservationLine("mug", 1), ReservationLine("mug", quantity)], LEVELS)

    assert refused.value.errors == {"lines.1.quantity": ["Give a whole number of at least 1."]}


def test_an_empty_reservation_is_refused():
    with pytest.raises(ReservationInvalid):
        reserve("order-6", [], LEVELS)


def test_a_cancelled_order_gives_its_units_back():
    assert release(MUG, 2) == StockLevel("mug", StockMode.TRACKED, quantity=5, reserved=0)
    assert release(MUG, 9).reserved == 0
    assert release(DOLL, 3) == DOLL


def test_a_shipped_order_takes_its_units_off_the_shelf_and_off_the_hold():
    assert fulfil(MUG, 2) == StockLevel("mug", StockMode.TRACKED, quantity=3, reserved=0)
    assert fulfil(MUG, 2).available == 3
    assert fulfil(SOAP, 5) == SOAP
