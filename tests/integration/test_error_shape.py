"""Every service refuses in one shape: a typed error whose arguments are (detail, code, errors),
`errors` an object of string arrays keyed by the field's dotted path, whatever the service."""

from __future__ import annotations

import uuid

import pytest

from gateway.rpc.client import RpcClient
from gateway.rpc.errors import RemoteError

pytestmark = pytest.mark.integration

SERVICES = ("catalog", "orders", "shipping", "notifications", "moderation")


def _as(role: str) -> dict:
    return {"user_id": str(uuid.uuid4()), "roles": [role], "request_id": str(uuid.uuid4())}


# (service, method, args, caller's role, the kind and the fields it must name)
REFUSALS = [
    ("catalog", "create_shop", ({"name": 5, "currency": "XX", "colour": "red"},), "seller",
     "invalid", {"name", "colour"}),
    ("orders", "add_cart_item", ({"product_id": "mug", "quantity": 0},), "buyer",
     "invalid", {"product_id", "quantity"}),
    ("shipping", "create_method", (str(uuid.uuid4()), {"name": ""}), "seller", "not_found", set()),
    ("shipping", "quote_items", (str(uuid.uuid4()), [{"product_id": "mug", "quantity": -1}], {}), "buyer",
     "invalid", {"items.0.product_id", "items.0.quantity", "destination.country"}),
    ("notifications", "list_notices", (0, 1000), "buyer", "invalid", {"page", "per_page"}),
    ("moderation", "customer_stats", ("someone",), "admin", "invalid", {"customer_id"}),
    ("moderation", "customer_stats", (str(uuid.uuid4()),), "seller", "not_found", set()),
]


@pytest.fixture(scope="module")
def client(system):
    for service in SERVICES:
        system.start(service)
    client = RpcClient(system.amqp_uri, timeout=20)
    yield client
    client.close()


@pytest.mark.parametrize(("service", "method", "args", "role", "kind", "fields"), REFUSALS,
                         ids=[f"{r[0]}.{r[1]}-{r[4]}" for r in REFUSALS])
def test_each_service_refuses_in_the_same_shape(client, service, method, args, role, kind, fields):
    with pytest.raises(RemoteError) as refused:
        client.call(service, method, *args, context=_as(role))
    error = refused.value
    assert error.kind == kind, error
    detail, code, errors = error.exc_args
    assert isinstance(detail, str) and detail
    assert isinstance(code, str) and code
    assert isinstance(errors, dict)
    assert fields <= set(errors), errors
    for path, messages in errors.items():
        assert isinstance(path, str)
        assert isinstance(messages, list) and messages, (path, messages)
        assert all(isinstance(m, str) and m for m in messages), (path, messages)
