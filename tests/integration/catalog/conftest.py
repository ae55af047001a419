"""One running catalog service (and its outbox relay) per test module, on each backend in turn."""

from __future__ import annotations

import pytest

from tests.integration.catalog.support import Caller


@pytest.fixture(scope="module")
def amqp(system) -> str:
    system.start("catalog")
    system.relay("catalog")
    return system.amqp_uri


@pytest.fixture
def seller(amqp):
    caller = Caller(amqp, roles=("seller",))
    yield caller
    caller.close()


@pytest.fixture
def other_seller(amqp):
    caller = Caller(amqp, roles=("seller",))
    yield caller
    caller.close()


@pytest.fixture(scope="module")
def anyone(amqp):
    """An anonymous visitor."""
    caller = Caller(amqp, roles=(), anonymous=True)
    yield caller
    caller.close()


@pytest.fixture(scope="module")
def admin(amqp):
    caller = Caller(amqp, roles=("admin",))
    yield caller
    caller.close()


@pytest.fixture
def shop(seller):
    return seller.catalog.create_shop({"name": "Clay and fire", "currency": "RUB"})
