"""What the orders service's schemas refuse before any action runs."""

from __future__ import annotations

import pytest

from services.common.errors import Invalid
from services.common.schemas import load
from services.orders import schemas


@pytest.mark.parametrize("approve", ["true", 1])
def test_an_amount_decision_is_true_or_false_and_nothing_else(approve):
    with pytest.raises(Invalid) as refused:
        load(schemas.AmountDecisionIn, request_id="r-1", approve=approve)
    assert refused.value.errors == {"approve": ["Must be a boolean."]}


def test_an_amount_decision_without_a_decision_is_refused():
    with pytest.raises(Invalid) as refused:
        load(schemas.AmountDecisionIn, request_id="r-1", approve=None)
    assert list(refused.value.errors) == ["approve"]


def test_an_amount_decision_loads_with_its_request_id():
    assert load(schemas.AmountDecisionIn, request_id="r-1", approve=False) == {
        "request_id": "r-1", "approve": False}


def test_the_path_id_wins_over_a_body_field_of_the_same_name():
    data = load(schemas.NoteIn, {"text": "gift", "order_id": "other"}, order_id="o-1")
    assert data == {"order_id": "o-1", "text": "gift"}


def test_amount_requests_list_pending_by_default_all_with_null_and_refuse_other_statuses():
    assert load(schemas.AmountRequestQuery, {})["status"] == "pending"
    assert load(schemas.AmountRequestQuery, {"status": None})["status"] is None
    with pytest.raises(Invalid) as refused:
        load(schemas.AmountRequestQuery, {"status": "maybe"})
    assert list(refused.value.errors) == ["status"]


CHECKOUT = {"shipping_address": {"full_name": "Anna", "phone": "+7999", "country": "RU",
                                 "city": "Moscow", "line1": "Tverskaya 1"},
            "shops": [{"shop_id": "6f1c2b1e-8a7e-4a56-9c1d-2f9a4c3e1b70",
                       "delivery_method_id": "m-1"}], "accept_rules": True}


@pytest.mark.parametrize("key", [None, ""])
def test_a_checkout_needs_an_idempotency_key(key):
    with pytest.raises(Invalid) as refused:
        load(schemas.CheckoutIn, CHECKOUT, idempotency_key=key)
    assert list(refused.value.errors) == ["idempotency_key"]
    assert load(schemas.CheckoutIn, CHECKOUT, idempotency_key="k-1")[
        "idempotency_key"] == "k-1"
