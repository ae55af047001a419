"""When an order's products count as bought (the `hit` label): from payment, taken back by a
cancellation, never for an order that ends unpaid, whatever order the events arrive in."""

import pytest

from services.catalog.domain.sales import (
    OrderFact,
    PaidBeforePlaced,
    SaleState,
    bought_products,
    sale_change,
)

PLACED, PAID, ENDED = OrderFact.PLACED, OrderFact.PAID, OrderFact.ENDED


def counted(*facts: OrderFact) -> int:
    """The sales an order's events add up to, in the order given."""
    state, total = None, 0
    for fact in facts:
        change = sale_change(state, fact)
        state, total = change.state, total + change.delta
    return total


@pytest.mark.parametrize(("facts", "sales"), [
    ((PLACED,), 0),
    ((PLACED, PAID), 1),
    ((PLACED, PAID, ENDED), 0),
    ((PLACED, ENDED), 0),
    ((PLACED, ENDED, PAID), 0),
    ((ENDED, PLACED, PAID), 0),
    ((PLACED, PAID, PAID), 1),
    ((PLACED, PAID, ENDED, ENDED), 0),
    ((PLACED, PLACED, PAID), 1),
])
def test_an_order_counts_while_it_is_paid(facts, sales):
    assert counted(*facts) == sales


def test_a_payment_before_the_order_is_known_must_wait():
    with pytest.raises(PaidBeforePlaced):
        sale_change(None, PAID)


def test_an_ended_order_stays_ended():
    for fact in OrderFact:
        assert sale_change(SaleState.ENDED, fact).state is SaleState.ENDED


def test_an_order_buys_each_of_its_products_once():
    lines = [{"product_id": "b", "quantity": 3}, {"product_id": "a", "quantity": 1},
             {"product_id": "b", "quantity": 1}]

    assert bought_products(lines) == ["a", "b"]
