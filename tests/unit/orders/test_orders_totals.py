"""Order totals and payment parts with exact minor units, plus properties over many amounts."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.common.money import Money
from services.orders.domain.errors import OrderInvalid
from services.orders.domain.totals import (
    Part,
    change_amount,
    compute_totals,
    payment_parts,
    with_delivery,
)


def rub(amount: int) -> Money:
    return Money(amount, "RUB")


# Totals -------------------------------------------------------------------------------------------
def test_totals_add_lines_and_delivery_take_the_discount_and_add_the_surcharge():
    # 120.00 ₽ × 1 and 130.00 ₽ × 2 (the catalog's line totals), 300 ₽ courier, 150 ₽ promo, 3 %.
    totals = compute_totals(
        [rub(120_00), rub(260_00)], delivery=rub(300_00), discount=rub(150_00), surcharge_percent=3
    )
    assert totals.items == rub(380_00)
    assert totals.delivery == rub(300_00)
    assert totals.discount == rub(150_00)
    assert totals.surcharge == rub(15_90)  # 3 % of 530.00
    assert totals.grand_total == rub(545_90)
    assert totals.to_dict()["grand_total"] == {"amount": 545_90, "currency": "RUB"}


@pytest.mark.parametrize(
    ("discount", "expected"),
    [
        (rub(100_00), rub(900_00)),  # seed 003: 10 % off 1000 ₽ → 900 ₽
        (rub(150_00), rub(850_00)),  # seed 003: 150 ₽ off 1000 ₽ → 850 ₽
        (None, rub(1000_00)),
    ],
)
def test_the_seeds_promo_examples(discount, expected):
    totals = compute_totals([rub(1000_00)], delivery=rub(0), discount=discount)
    assert totals.grand_total == expected and totals.surcharge == rub(0)


@pytest.mark.parametrize(
    ("base", "percent", "surcharge"),
    [
        (1020, Decimal("2.5"), 26),  # 25.5 → 26 (half-up)
        (1000, Decimal("2.5"), 25),
        (1010, 5, 51),  # 50.5 → 51
        (1009, 5, 50),  # 50.45 → 50
        (333, Decimal("0.1"), 0),  # 0.333 → 0
        (1, 50, 1),  # 0.5 → 1
    ],
)
def test_the_surcharge_rounds_half_up_to_a_minor_unit(base, percent, surcharge):
    totals = compute_totals([rub(base)], delivery=None, surcharge_percent=percent)
    assert totals.surcharge == rub(surcharge)
    assert totals.grand_total == rub(base + surcharge)


def test_delivery_to_be_quoted_is_left_out_until_the_seller_sets_it():
    pending = compute_totals([rub(1000_00)], delivery=None, surcharge_percent=2)
    assert pending.delivery_pending and pending.delivery is None
    assert pending.grand_total == rub(1020_00)
    assert pending.to_dict()["delivery"] is None

    quoted = with_delivery(pending, rub(350_00), surcharge_percent=2)
    assert not quoted.delivery_pending
    assert quoted.surcharge == rub(27_00)  # 2 % of 1350.00
    assert quoted.grand_total == rub(1377_00)


def test_a_discount_larger_than_the_goods_makes_them_free_but_leaves_delivery():
    totals = compute_totals([rub(100_00)], delivery=rub(300_00), discount=rub(150_00))
    assert totals.discount == rub(100_00)
    assert totals.grand_total == rub(300_00)


def test_an_amount_change_recomputes_delivery_and_surcharge_and_drops_the_promo():
    before = compute_totals(
        [rub(100_00)], delivery=rub(30_00), discount=rub(10_00), surcharge_percent=2
    )
    assert before.grand_total == rub(122_40)  # 120.00 + 2 %

    change = change_amount(before, rub(150_00), surcharge_percent=2)

    assert change.previous_total == rub(122_40)
    assert change.totals.items == rub(150_00)
    assert change.totals.delivery == rub(30_00)
    assert change.totals.discount == rub(0)
    assert change.totals.surcharge == rub(3_60)
    assert change.new_total == change.totals.grand_total == rub(183_60)


@pytest.mark.parametrize(
    ("call", "code"),
    [
        (lambda: compute_totals([]), "no_lines"),
        (lambda: compute_totals([rub(100), Money(100, "EUR")]), "currency_mismatch"),
        (lambda: compute_totals([rub(100)], delivery=Money(1, "USD")), "currency_mismatch"),
        (lambda: compute_totals([rub(100)], discount=Money(1, "USD")), "currency_mismatch"),
        (lambda: compute_totals([rub(-1)]), "invalid_amount"),
        (lambda: compute_totals([rub(100)], delivery=rub(-1)), "invalid_amount"),
        (lambda: compute_totals([rub(100)], discount=rub(-1)), "invalid_amount"),
        (lambda: compute_totals([rub(100)], surcharge_percent=101), "invalid_percent"),
        (lambda: compute_totals([rub(100)], surcharge_percent=-1), "invalid_percent"),
        (lambda: compute_totals([rub(100)], surcharge_percent=True), "invalid_percent"),
        (lambda: compute_totals([rub(100)], surcharge_percent=1.5), "invalid_percent"),
        (lambda: change_amount(compute_totals([rub(100)]), Money(5, "EUR")), "currency_mismatch"),
        (lambda: change_amount(compute_totals([rub(100)]), rub(-5)), "invalid_amount"),
        (lambda: payment_parts(rub(100), 120), "invalid_percent"),
        (lambda: payment_parts(rub(-100), 50), "invalid_amount"),
    ],
)
def test_bad_amounts_are_refused_with_a_code(call, code):
    with pytest.raises(OrderInvalid) as refused:
        call()
    assert refused.value.code == code and refused.value.kind == "invalid"


# Payment parts ------------------------------------------------------------------------------------
def test_an_advance_is_the_prepayment_percent_and_the_balance_the_rest():
    parts = payment_parts(rub(1234_56), 30)
    assert parts.split
    assert parts.advance == rub(370_37)  # 37036.8 → 37037
    assert parts.balance == rub(864_19)
    assert parts.full == rub(1234_56)
    assert [parts.amount(p) for p in ("full", "advance", "balance")] == [
        rub(1234_56),
        rub(370_37),
        rub(864_19),
    ]


@pytest.mark.parametrize(
    ("total", "percent"),
    [
        (1000_00, 0),
        (1000_00, 100),
        (1, 30),
        (1, 70),
        (0, 50),
    ],
)
def test_no_split_when_the_advance_would_be_nothing_or_everything(total, percent):
    parts = payment_parts(rub(total), percent)
    assert not parts.split and parts.advance is None and parts.balance is None
    assert parts.amount(Part.FULL) == rub(total)
    for part in ("advance", "balance"):
        with pytest.raises(OrderInvalid) as refused:
            parts.amount(part)
        assert refused.value.code == "no_such_part"


def test_an_unknown_part_is_invalid():
    with pytest.raises(OrderInvalid) as refused:
        payment_parts(rub(100), 50).amount("tip")
    assert refused.value.code == "no_such_part"


def test_half_a_minor_unit_of_advance_rounds_up():
    parts = payment_parts(rub(3), 50)  # 1.5 → 2
    assert (parts.advance, parts.balance) == (rub(2), rub(1))


# Properties ---------------------------------------------------------------------------------------
amounts = st.integers(min_value=0, max_value=10**12)
percents = st.one_of(
    st.integers(min_value=0, max_value=100),
    st.decimals(min_value=0, max_value=100, places=2, allow_nan=False, allow_infinity=False),
)


@given(total=amounts, percent=percents)
def test_advance_and_balance_always_add_up_to_the_grand_total(total, percent):
    parts = payment_parts(rub(total), percent)
    assert parts.full == rub(total)
    if parts.split:
        assert parts.advance + parts.balance == rub(total)
        assert parts.advance.amount > 0 and parts.balance.amount > 0
        exact = Decimal(total) * Decimal(percent) / 100
        assert abs(Decimal(parts.advance.amount) - exact) <= Decimal("0.5")


@given(
    lines=st.lists(st.integers(min_value=0, max_value=10**9), min_size=1, max_size=8),
    delivery=st.one_of(st.none(), st.integers(min_value=0, max_value=10**7)),
    discount=st.integers(min_value=0, max_value=10**10),
    percent=percents,
)
def test_totals_are_never_negative_and_always_add_up(lines, delivery, discount, percent):
    totals = compute_totals(
        [rub(x) for x in lines], None if delivery is None else rub(delivery), rub(discount), percent
    )
    base = sum(lines) + (delivery or 0) - totals.discount.amount
    assert totals.items == rub(sum(lines))
    assert 0 <= totals.discount.amount <= totals.items.amount
    assert totals.surcharge.amount >= 0 and base >= 0
    assert totals.grand_total == rub(base + totals.surcharge.amount)
