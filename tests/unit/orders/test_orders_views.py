"""Tabs, who sees an order and what, and who may message, keep notes and review."""

from __future__ import annotations

import copy

import pytest

from services.orders.domain import errors
from services.orders.domain.permissions import (
    ensure_can_keep_notes,
    ensure_can_message,
    ensure_can_review,
)
from services.orders.domain.states import Status
from services.orders.domain.tabs import (
    TAB_STATUSES,
    Tab,
    listing_filter,
    statuses_for_tab,
    tab_of,
)
from services.orders.domain.visibility import (
    Viewer,
    buyer_view,
    can_view,
    ensure_can_view,
    seller_view,
    view_for,
)


# Tabs ---------------------------------------------------------------------------------------------
def test_the_tabs_are_the_apis_status_groups():
    assert {tab.value: {s.value for s in statuses} for tab, statuses in TAB_STATUSES.items()} == {
        "open": {"placed"},
        "ready_to_ship": {"confirmed", "partially_paid", "in_production", "paid"},
        "complete": {"shipped", "received", "completed"},
        "cancelled": {"cancelled", "expired"},
    }


@pytest.mark.parametrize("status", list(Status))
def test_every_status_is_under_exactly_one_tab(status):
    tabs = [tab for tab, statuses in TAB_STATUSES.items() if status in statuses]
    assert tabs == [tab_of(status)]


def test_listing_filters_combine_tab_and_status():
    assert statuses_for_tab("open") == {Status.PLACED}
    assert listing_filter() == set(Status)
    assert listing_filter(tab="complete", status="received") == {Status.RECEIVED}
    assert listing_filter(tab="open", status="paid") == set()
    assert listing_filter(status="paid") == {Status.PAID}
    assert tab_of("expired") is Tab.CANCELLED


def test_an_unknown_tab_or_status_is_invalid_input():
    with pytest.raises(errors.OrderInvalid) as refused:
        statuses_for_tab("archive")
    assert refused.value.code == "unknown_tab" and "tab" in refused.value.errors
    with pytest.raises(errors.OrderInvalid):
        listing_filter(status="lost")


# Visibility ---------------------------------------------------------------------------------------
ORDER = {
    "id": "o-1",
    "shop_id": "shop-1",
    "buyer_id": "u-buyer",
    "status": "paid",
    "totals": {"grand_total": {"amount": 100, "currency": "RUB"}},
    "notes": [{"id": "n-1", "text": "buyer is picky about packaging"}],
    "customer_card": {"registered_at": "2024-01-01", "complaints": 1},
    "source": {"utm_source": "instagram"},
    "history": [
        {
            "at": "2025-03-03T10:00:00+00:00",
            "by": "buyer",
            "from": None,
            "to": "placed",
            "reason": None,
            "private_notes": "nested, still private",
        }
    ],
    "access_token": "secret",
}
GUEST_ORDER = {**ORDER, "buyer_id": None, "guest": {"email": "g@example.org", "phone": "+7"}}

BUYER = Viewer("buyer", user_id="u-buyer")
OTHER_BUYER = Viewer("buyer", user_id="u-other")
SELLER = Viewer("seller", user_id="u-seller", shop_ids={"shop-1"})
OTHER_SELLER = Viewer("seller", user_id="u-seller-2", shop_ids={"shop-2"})
ADMIN = Viewer("admin", user_id="u-admin")
GUEST_WITH_LINK = Viewer("buyer", order_link=True)
GUEST_WITHOUT_LINK = Viewer("buyer")


@pytest.mark.parametrize(
    ("order", "viewer", "sees"),
    [
        (ORDER, BUYER, True),
        (ORDER, OTHER_BUYER, False),
        (ORDER, SELLER, True),
        (ORDER, OTHER_SELLER, False),
        (ORDER, ADMIN, True),
        (ORDER, Viewer("system"), False),
        (ORDER, GUEST_WITH_LINK, False),  # the order link opens guest orders only
        (GUEST_ORDER, GUEST_WITH_LINK, True),
        (GUEST_ORDER, GUEST_WITHOUT_LINK, False),
        (GUEST_ORDER, BUYER, False),
        (GUEST_ORDER, SELLER, True),
    ],
)
def test_an_order_is_seen_by_its_buyer_its_seller_and_the_admin(order, viewer, sees):
    assert can_view(order, viewer) is sees
    if not sees:
        with pytest.raises(errors.NotYourOrder) as refused:
            ensure_can_view(order, viewer)
        assert refused.value.kind == "forbidden"


def test_the_buyer_never_sees_the_sellers_notes_card_or_sources():
    view = buyer_view(ORDER)
    assert "notes" not in view and "customer_card" not in view and "source" not in view
    assert "private_notes" not in view["history"][0]
    assert "access_token" not in view
    assert view["totals"] == ORDER["totals"] and view["history"][0]["to"] == "placed"


def test_the_seller_sees_notes_and_guest_contacts_but_no_token():
    view = seller_view(GUEST_ORDER)
    assert view["notes"] == ORDER["notes"] and view["guest"]["email"] == "g@example.org"
    assert "access_token" not in view


def test_view_for_picks_the_viewers_view_and_leaves_the_order_untouched():
    original = copy.deepcopy(ORDER)
    assert "notes" not in view_for(ORDER, BUYER)
    assert "notes" in view_for(ORDER, SELLER)
    assert "notes" in view_for(ORDER, ADMIN) and "access_token" not in view_for(ORDER, ADMIN)
    view_for(ORDER, BUYER)["totals"]["grand_total"]["amount"] = 0
    assert original == ORDER
    with pytest.raises(errors.NotYourOrder):
        view_for(ORDER, OTHER_SELLER)


# Messages, notes, reviews -------------------------------------------------------------------------
def test_the_buyer_and_the_seller_write_on_a_registered_buyers_order():
    ensure_can_message(ORDER, BUYER)
    ensure_can_message(ORDER, SELLER)
    with pytest.raises(errors.WrongRole):
        ensure_can_message(ORDER, ADMIN)
    with pytest.raises(errors.NotYourOrder):
        ensure_can_message(ORDER, OTHER_BUYER)


@pytest.mark.parametrize("viewer", [GUEST_WITH_LINK, SELLER])
def test_a_guest_order_has_no_chat_on_either_side(viewer):
    with pytest.raises(errors.GuestOrderRefused) as refused:
        ensure_can_message(GUEST_ORDER, viewer)
    assert refused.value.code == "guest_order" and refused.value.kind == "conflict"


def test_notes_are_for_the_orders_seller_only():
    ensure_can_keep_notes(ORDER, SELLER)
    for viewer in (BUYER, ADMIN):
        with pytest.raises(errors.WrongRole):
            ensure_can_keep_notes(ORDER, viewer)
    with pytest.raises(errors.NotYourOrder):
        ensure_can_keep_notes(ORDER, OTHER_SELLER)


@pytest.mark.parametrize("status", list(Status))
def test_the_buyer_reviews_once_the_order_is_received(status):
    order = {**ORDER, "status": status.value}
    if status in (Status.RECEIVED, Status.COMPLETED):
        ensure_can_review(order, BUYER, already_reviewed=False)
        with pytest.raises(errors.AlreadyReviewed) as again:
            ensure_can_review(order, BUYER, already_reviewed=True)
        assert again.value.code == "already_reviewed" and again.value.kind == "conflict"
    else:
        with pytest.raises(errors.WrongState):
            ensure_can_review(order, BUYER, already_reviewed=False)


def test_guests_and_sellers_cannot_review():
    with pytest.raises(errors.GuestOrderRefused):
        ensure_can_review({**GUEST_ORDER, "status": "received"}, GUEST_WITH_LINK, False)
    with pytest.raises(errors.WrongRole):
        ensure_can_review({**ORDER, "status": "received"}, SELLER, False)
