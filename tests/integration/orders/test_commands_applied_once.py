"""Commands re-sent with the same request id (the gateway's `command_id`: a retried request, a
redelivered RPC) apply once: one row, one event, the same answer."""

from __future__ import annotations

import uuid

import pytest

from tests.integration.orders.conftest import checkout_body
from tests.support.waiting import wait_for

pytestmark = pytest.mark.integration


def sending(caller, command_id: str):
    """The caller, its next calls carrying this request id."""
    caller.context = {**caller.context, "command_id": command_id}
    return caller


def events_of(tap, type_: str, key: str, value: str) -> list[dict]:
    return [e["data"] for e in tap.drain() if e["type"] == type_ and e["data"][key] == value]


def test_a_cart_add_re_sent_with_its_request_id_adds_once(world):
    seller, buyer = world.seller(), world.buyer()
    shop = world.shop(seller)
    mug = world.product(seller, shop["id"], stock={"mode": "tracked", "quantity": 5})
    tap = world.tap("cart.item_added")
    line = {"product_id": mug["id"], "quantity": 5}  # all there is: a second add would not fit

    first = sending(buyer, "add-1").orders.add_cart_item(line)
    again = sending(buyer, "add-1").orders.add_cart_item(line)

    assert again == first
    [group] = buyer.orders.get_cart()["groups"]
    assert [(i["id"], i["quantity"]) for i in group["items"]] == [(first["id"], 5)]
    # A later add of the same buyer is published after any event of the first: when it has
    # arrived, a repeat's would have too.
    other = world.product(seller, shop["id"], title="Bowl")
    sending(buyer, "add-2").orders.add_cart_item({"product_id": other["id"], "quantity": 1})
    wait_for(lambda: len(events_of(tap, "cart.item_added", "buyer_id", buyer.user_id)) >= 2,
             message="the second add's event")
    assert [e["product_id"] for e in events_of(tap, "cart.item_added", "buyer_id",
                                               buyer.user_id)] == [mug["id"], other["id"]]


def test_a_message_and_a_note_re_sent_with_their_request_ids_are_written_once(world):
    seller, buyer = world.seller(), world.buyer()
    shop = world.shop(seller)
    mug = world.product(seller, shop["id"])
    courier = world.fixed_delivery(seller, shop["id"], 30000)
    buyer.orders.add_cart_item({"product_id": mug["id"], "quantity": 1})
    [order] = buyer.orders.checkout(checkout_body((shop["id"], courier)),
                                    idempotency_key=str(uuid.uuid4()))["orders"]
    tap = world.tap("message.posted")

    first = sending(buyer, "msg-1").orders.post_message(order["id"], {"text": "Gift wrap?"})
    again = sending(buyer, "msg-1").orders.post_message(order["id"], {"text": "Gift wrap?"})
    note = sending(seller, "note-1").orders.add_note(order["id"], {"text": "wrap it"})
    note_again = sending(seller, "note-1").orders.add_note(order["id"], {"text": "wrap it"})

    assert again == first and note_again == note
    messages = buyer.orders.list_messages(order["id"])
    assert (messages["total"], [m["id"] for m in messages["items"]]) == (1, [first["id"]])
    assert [n["id"] for n in seller.orders.list_notes(order["id"])["items"]] == [note["id"]]
    # the same request id from another caller is a command of its own
    reply = sending(seller, "msg-1").orders.post_message(order["id"], {"text": "Yes"})
    assert reply["id"] != first["id"]
    wait_for(lambda: len(events_of(tap, "message.posted", "order_id", order["id"])) >= 2,
             message="the reply's event")
    assert [e["message_id"] for e in events_of(tap, "message.posted", "order_id",
                                               order["id"])] == [first["id"], reply["id"]]
