"""What a shop allows at checkout: its contact methods, and a vacation that closes its cart."""

from __future__ import annotations

import pytest

from services.orders.domain import closed_by_vacation, contact_method_refusal

OFFERED = ["email", "phone_call", "site_chat"]


@pytest.mark.parametrize("chosen", [None, "email", "phone_call", "site_chat"])
def test_a_buyer_chooses_any_method_the_shop_offers_or_none(chosen):
    assert contact_method_refusal(chosen, OFFERED, guest=False) is None


def test_a_method_the_shop_does_not_offer_is_refused_naming_what_it_offers():
    refusal = contact_method_refusal("sms", OFFERED, guest=False)
    assert refusal == "The shop does not offer sms; it offers email, phone_call, site_chat."


@pytest.mark.parametrize("offered", [None, []])
def test_a_shop_that_lists_no_methods_offers_them_all(offered):
    for chosen in ("email", "sms", "whatsapp_viber", "site_chat"):
        assert contact_method_refusal(chosen, offered, guest=False) is None


@pytest.mark.parametrize("offered", [None, OFFERED])
def test_a_guest_never_has_the_site_chat(offered):
    assert "site chat" in contact_method_refusal("site_chat", offered, guest=True)
    assert contact_method_refusal("email", offered, guest=True) is None


@pytest.mark.parametrize(("vacation", "closed"), [
    (None, False),
    ({"active": True, "allow_cart": False}, True),
    ({"active": True, "allow_cart": True}, False),
    ({"active": False, "allow_cart": False}, False),  # announced, not begun (or over)
])
def test_only_a_vacation_under_way_without_cart_closes_the_checkout(vacation, closed):
    assert closed_by_vacation(vacation) is closed
