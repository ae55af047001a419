"""Shipment statuses as carriers report them: forward only, final once delivered or returned."""

import pytest

from services.shipping.domain import (
    CARRIER_TRANSITIONS,
    FINAL_STATUSES,
    ShipmentStatus,
    StatusUpdate,
    UnknownShipmentStatus,
    apply_carrier_status,
    can_carrier_move,
)

S = ShipmentStatus


def test_the_statuses_are_created_in_transit_delivered_returned_lost():
    assert [s.value for s in S] == ["created", "in_transit", "delivered", "returned", "lost"]
    assert sorted(FINAL_STATUSES) == [S.DELIVERED, S.RETURNED]


def test_a_carrier_report_moves_a_created_shipment_into_transit():
    assert apply_carrier_status("created", "in_transit") == StatusUpdate(
        status=S.IN_TRANSIT, changed=True, previous=S.CREATED
    )


@pytest.mark.parametrize(
    ("current", "reported"),
    [
        (S.CREATED, S.DELIVERED),
        (S.CREATED, S.LOST),
        (S.IN_TRANSIT, S.DELIVERED),
        (S.IN_TRANSIT, S.RETURNED),
        (S.IN_TRANSIT, S.LOST),
        (S.LOST, S.IN_TRANSIT),
        (S.LOST, S.DELIVERED),
        (S.LOST, S.RETURNED),
    ],
)
def test_forward_moves_change_the_status(current, reported):
    update = apply_carrier_status(current, reported)
    assert (update.status, update.changed, update.previous) == (reported, True, current)


@pytest.mark.parametrize("final", [S.DELIVERED, S.RETURNED])
@pytest.mark.parametrize("reported", list(S))
def test_nothing_moves_a_shipment_out_of_delivered_or_returned(final, reported):
    assert apply_carrier_status(final, reported) == StatusUpdate(final, False, final)


@pytest.mark.parametrize("status", list(S))
def test_the_same_status_again_is_no_change(status):
    assert apply_carrier_status(status, status) == StatusUpdate(status, False, status)


def test_a_stale_report_does_not_move_a_shipment_back():
    assert apply_carrier_status("in_transit", "created") == StatusUpdate(
        S.IN_TRANSIT, False, S.IN_TRANSIT
    )
    assert apply_carrier_status("lost", "created").changed is False


def test_the_transition_table_covers_every_status_and_never_leads_back_to_created():
    assert set(CARRIER_TRANSITIONS) == set(S)
    assert all(S.CREATED not in targets for targets in CARRIER_TRANSITIONS.values())
    assert can_carrier_move("created", "lost") and not can_carrier_move("delivered", "lost")


def test_an_unknown_reported_status_is_refused():
    with pytest.raises(UnknownShipmentStatus) as caught:
        apply_carrier_status("in_transit", "teleported")
    assert caught.value.code == "unknown_shipment_status"
    assert caught.value.errors == {
        "status": "Must be one of created, in_transit, delivered, returned, lost."
    }
