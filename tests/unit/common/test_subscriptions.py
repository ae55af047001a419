"""A subscription declared in one line of a service class is the handler an `@event_handler`
method would be: named as its attribute, bound to its event types, taking effect once per event."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
from nameko.extensions import ENTRYPOINT_EXTENSIONS_ATTR

from services.common import events, runtime
from services.common.db import new_metadata
from services.common.kernel_tables import add_kernel_tables
from services.common.runtime.messaging import EventHandler
from tests.support import units

metadata = new_metadata()
add_kernel_tables(metadata)
heard: list[tuple[str, object]] = []


def shop_verified(uow, data):
    heard.append(("data", data["shop_id"]))


def shop_news(uow, event):
    heard.append((event.type, event.data["shop_id"]))


class Listener(runtime.Service):
    name = "listener"

    on_shop_verified = runtime.subscribe("shop.verified", data=shop_verified)
    on_shop_news = runtime.subscribe("shop.verified", "debt.settled", event=shop_news)


@pytest.fixture
def listener():
    heard.clear()
    service = Listener()
    service.uow = units.unit_of_work(metadata, "listener")
    return service


def envelope(type_: str, shop_id: uuid.UUID) -> dict:
    return events.make_envelope(type_, {"shop_id": str(shop_id)}, producer="probe",
                                occurred_at=datetime.now(UTC))


def test_a_subscription_is_an_event_handler_named_as_its_attribute():
    [entrypoint] = getattr(Listener.on_shop_news, ENTRYPOINT_EXTENSIONS_ATTR)
    assert isinstance(entrypoint, EventHandler)
    assert entrypoint.patterns == ("shop.verified", "debt.settled")
    assert Listener.on_shop_news.__name__ == "on_shop_news"


def test_data_hands_on_the_event_s_data_and_event_the_whole_event(listener):
    shop_id = uuid.uuid4()
    verified, settled = envelope("shop.verified", shop_id), envelope("debt.settled", shop_id)

    assert listener.on_shop_verified([verified]) == [None]
    assert listener.on_shop_news([verified, settled]) == [None, None]

    assert heard == [("data", shop_id), ("shop.verified", shop_id), ("debt.settled", shop_id)]


def test_each_subscription_takes_an_event_once(listener):
    verified = envelope("shop.verified", uuid.uuid4())

    listener.on_shop_verified([verified])
    listener.on_shop_verified([verified])
    listener.on_shop_news([verified])

    assert [how for how, _shop in heard] == ["data", "shop.verified"]


def test_a_subscription_names_one_function():
    with pytest.raises(TypeError):
        runtime.subscribe("shop.verified")
    with pytest.raises(TypeError):
        runtime.subscribe("shop.verified", data=shop_verified, event=shop_news)
