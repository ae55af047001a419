"""Shop rules: images, contact methods, rules, vacation, status → visibility and buying."""

from datetime import date

import pytest

from services.catalog.domain.errors import NotForSale, PriceOnRequest, ShopInvalid
from services.catalog.domain.model import ImageSize, SaleMode
from services.catalog.domain.shops import (
    ContactMethod,
    ShopRules,
    ShopStatus,
    Vacation,
    can_manage_products,
    cart_refusal,
    contact_methods,
    ensure_can_add_to_cart,
    image_errors,
    product_visible,
    rules_errors,
    shop_visible,
    status_from_sanctions,
    vacation_notice,
    validate_shop_profile,
    validate_vacation,
)

TODAY = date(2026, 7, 10)
ON_VACATION = Vacation("Back on the 20th", date(2026, 7, 1), date(2026, 7, 20), allow_cart=False)


def test_a_banner_narrower_than_1400_px_is_refused():
    assert image_errors(banner=ImageSize(1399, 300)) == {
        "banner_url": "The banner must be at least 1400 px wide."
    }
    assert image_errors(banner=ImageSize(1400, 300)) == {}


@pytest.mark.parametrize(
    ("width", "height", "ok"),
    [(200, 200, True), (400, 400, True), (200, 150, False), (150, 150, False)],
)
def test_the_logo_is_a_square_of_at_least_200_px(width, height, ok):
    errors = image_errors(logo=ImageSize(width, height))

    assert errors == ({} if ok else {"logo_url": "The logo must be square, 200 × 200 px."})


def test_sizes_that_are_not_known_are_not_checked():
    assert image_errors() == {}


def test_by_default_every_contact_method_is_offered():
    assert contact_methods(None) == tuple(ContactMethod)
    assert contact_methods([]) == tuple(ContactMethod)


def test_a_restricted_list_keeps_at_least_two_contact_methods():
    assert contact_methods(["email", "sms"]) == (ContactMethod.EMAIL, ContactMethod.SMS)

    with pytest.raises(ShopInvalid) as refused:
        contact_methods(["email"])

    assert refused.value.code == "invalid_shop"
    assert refused.value.errors == {
        "contact_methods": ["Offer at least two contact methods: a main one and a reserve."]
    }


def test_unknown_or_repeated_contact_methods_are_refused():
    with pytest.raises(ShopInvalid) as unknown:
        contact_methods(["email", "pigeon"])
    with pytest.raises(ShopInvalid) as repeated:
        contact_methods(["email", "email"])

    assert unknown.value.errors["contact_methods"][0].startswith("Unknown: pigeon; known: email,")
    assert repeated.value.errors == {"contact_methods": ["Each contact method is listed once."]}


def test_the_buyer_has_three_days_to_confirm_by_default_and_prepayment_is_a_percent():
    assert ShopRules.from_dict(None).confirm_days == 3
    assert rules_errors(ShopRules(confirm_days=0, prepayment_percent=101)) == {
        "rules.confirm_days": "Give 1 to 30 days.",
        "rules.prepayment_percent": "A whole percent from 0 to 100.",
    }


def test_a_shop_profile_names_every_broken_field():
    with pytest.raises(ShopInvalid) as refused:
        validate_shop_profile(
            name=" ",
            currency="rub",
            rules=ShopRules(confirm_days=0),
            contact_methods_given=["sms"],
            banner=ImageSize(800, 200),
        )

    assert set(refused.value.errors) == {
        "name",
        "currency",
        "rules.confirm_days",
        "contact_methods",
        "banner_url",
    }


def test_a_good_shop_profile_passes():
    validate_shop_profile("Гончарная мастерская", "RUB", ShopRules(), ["email", "site_chat"])


def test_a_vacation_may_last_one_day_but_cannot_end_before_it_starts():
    one_day = Vacation("", TODAY, TODAY)
    assert validate_vacation(one_day, TODAY) is one_day

    with pytest.raises(ShopInvalid) as refused:
        validate_vacation(Vacation("", date(2026, 7, 12), date(2026, 7, 11)), TODAY)

    assert refused.value.errors == {"ends_on": ["The vacation cannot end before it starts."]}


def test_a_vacation_entirely_in_the_past_is_refused():
    with pytest.raises(ShopInvalid) as refused:
        validate_vacation(Vacation("", date(2026, 6, 1), date(2026, 6, 5)), TODAY)

    assert refused.value.errors == {"ends_on": ["The vacation is already over."]}


def test_the_vacation_notice_shows_only_between_its_dates_inclusive():
    assert vacation_notice(ON_VACATION, date(2026, 7, 1)) == "Back on the 20th"
    assert vacation_notice(ON_VACATION, date(2026, 7, 20)) == "Back on the 20th"
    assert vacation_notice(ON_VACATION, date(2026, 7, 21)) is None
    assert vacation_notice(None, TODAY) is None


@pytest.mark.parametrize(
    ("status", "enabled", "hidden", "visible"),
    [
        (ShopStatus.ACTIVE, True, False, True),
        (ShopStatus.ACTIVE, False, False, False),
        (ShopStatus.ACTIVE, True, True, False),
        (ShopStatus.PRODUCTS_HIDDEN, True, False, False),
        (ShopStatus.BLOCKED, True, False, False),
        (ShopStatus.BANNED, True, False, False),
    ],
)
def test_only_enabled_unhidden_products_of_active_shops_are_visible_to_others(
    status, enabled, hidden, visible
):
    assert product_visible(status, enabled, hidden, viewer_is_owner=False) is visible


@pytest.mark.parametrize("status", list(ShopStatus))
def test_the_owner_always_sees_their_own_products(status):
    assert product_visible(status, False, True, viewer_is_owner=True)


def test_blocked_and_banned_shops_are_seen_by_their_owner_only():
    assert shop_visible(ShopStatus.ACTIVE, False)
    assert shop_visible(ShopStatus.PRODUCTS_HIDDEN, False)
    assert not shop_visible(ShopStatus.BLOCKED, False)
    assert not shop_visible(ShopStatus.BANNED, False)
    assert shop_visible("banned", True)


def test_a_hidden_shop_may_still_fix_its_products_a_blocked_or_banned_one_may_not():
    assert [can_manage_products(s) for s in ShopStatus] == [True, True, False, False]


def test_the_most_severe_sanction_in_force_gives_the_status():
    assert status_from_sanctions([]) is ShopStatus.ACTIVE
    assert status_from_sanctions(["products_hidden"]) is ShopStatus.PRODUCTS_HIDDEN
    assert status_from_sanctions(["storefront_blocked", "products_hidden"]) is ShopStatus.BLOCKED
    assert status_from_sanctions(["products_hidden", "banned", "warning"]) is ShopStatus.BANNED


def test_a_visible_product_of_a_shop_at_work_can_go_into_a_cart():
    assert cart_refusal(ShopStatus.ACTIVE, True, False, None, TODAY) is None
    ensure_can_add_to_cart(cart_refusal(ShopStatus.ACTIVE, True, False, None, TODAY))


def test_on_vacation_without_cart_nothing_can_be_added():
    assert cart_refusal(ShopStatus.ACTIVE, True, False, ON_VACATION, TODAY) == "shop_on_vacation"

    with pytest.raises(NotForSale) as refused:
        ensure_can_add_to_cart("shop_on_vacation", ON_VACATION)

    assert refused.value.code == "shop_on_vacation"
    assert refused.value.kind == "conflict"
    assert refused.value.detail == "The shop is on vacation: Back on the 20th"


def test_on_vacation_with_cart_allowed_or_outside_its_dates_products_can_be_added():
    allowing = Vacation("Back soon", date(2026, 7, 1), date(2026, 7, 20), allow_cart=True)

    assert cart_refusal(ShopStatus.ACTIVE, True, False, allowing, TODAY) is None
    assert cart_refusal(ShopStatus.ACTIVE, True, False, ON_VACATION, date(2026, 7, 21)) is None


@pytest.mark.parametrize(
    ("status", "enabled", "hidden"),
    [
        (ShopStatus.PRODUCTS_HIDDEN, True, False),
        (ShopStatus.BLOCKED, True, False),
        (ShopStatus.BANNED, True, False),
        (ShopStatus.ACTIVE, False, False),
        (ShopStatus.ACTIVE, True, True),
    ],
)
def test_products_that_are_not_visible_cannot_be_bought(status, enabled, hidden):
    assert cart_refusal(status, enabled, hidden, None, TODAY) == "not_available"
    with pytest.raises(NotForSale) as refused:
        ensure_can_add_to_cart(cart_refusal(status, enabled, hidden, None, TODAY))
    assert refused.value.code == "not_available"


def test_an_offer_only_product_cannot_go_into_a_cart():
    refusal = cart_refusal(ShopStatus.ACTIVE, True, False, None, TODAY, SaleMode.OFFER_ONLY)
    assert refusal == "offer_only"
    with pytest.raises(PriceOnRequest):
        ensure_can_add_to_cart(refusal)
    assert cart_refusal(ShopStatus.ACTIVE, True, False, None, TODAY, SaleMode.BUY_NOW_OR_OFFER) is None
