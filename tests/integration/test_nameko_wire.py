"""Atelier's RPC paths are its own for speed (services reply without a confirm each; the gateway
has a lean client), but they speak Nameko 2's wire protocol: stock Nameko calls an Atelier service,
and the gateway's client calls a stock Nameko service."""

from __future__ import annotations

import uuid

import pytest
from kombu import Connection
from nameko.constants import AMQP_URI_CONFIG_KEY
from nameko.containers import ServiceContainer

from gateway.rpc.client import RpcClient
from gateway.rpc.errors import RemoteError as GatewayRemoteError
from services.common import migrations
from services.common.runtime.rpc import QuickReplyListener, RpcProxy
from tests.support.harness import rpc_proxy
from tests.support.waiting import wait_for

pytestmark = pytest.mark.integration


def test_stock_cluster_rpc_proxy_calls_an_atelier_service_and_reads_its_typed_errors(
        processes, amqp_uri, tmp_path):
    url = f"sqlite:///{tmp_path / 'moderation.db'}"
    migrations.upgrade("moderation", url)
    processes.service("services.moderation.service", {"MODERATION_DATABASE_URL": url},
                      wait="moderation")
    customer = str(uuid.uuid4())
    admin = {"user_id": str(uuid.uuid4()), "roles": ["admin"]}
    seller = {"user_id": str(uuid.uuid4()), "roles": ["seller"]}
    with rpc_proxy(amqp_uri) as rpc:
        assert rpc.moderation.health() == {"service": "moderation", "status": "ok"}
    with rpc_proxy(amqp_uri, context_data=admin) as rpc:
        assert rpc.moderation.customer_stats(customer) == {"complaints_from_sellers": 0}
    with rpc_proxy(amqp_uri, context_data=seller) as rpc, pytest.raises(Exception) as refused:
        rpc.moderation.customer_stats(customer)
    # Nameko raises a RemoteError naming the type, or the type itself where a module of the
    # calling process has registered it with Nameko.
    error = refused.value
    assert getattr(error, "exc_type", type(error).__name__) == "NotFound"
    assert "No such customer." in str(error)


def test_the_gateway_client_calls_a_stock_nameko_service(processes, amqp_uri):
    processes.service("tests.support.stock_service", {})
    client = RpcClient(amqp_uri, timeout=10)
    try:
        user = str(uuid.uuid4())
        wait_for(lambda: client.is_running("stock_probe"), timeout=40,
                 message="the stock service to consume")
        assert client.call("stock_probe", "echo", "mug", suffix="!",
                           context={"user_id": user}) == {
            "value": "mug", "suffix": "!", "user_id": user}
        with pytest.raises(GatewayRemoteError) as refused:
            client.call("stock_probe", "refuse")
        assert refused.value.exc_type == "Refused"
        assert refused.value.kind is None  # not one of the kernel's typed errors: a 500
    finally:
        client.close()


class _Caller:
    name = "reply_probe"
    peer = RpcProxy("elsewhere")


def test_a_service_reply_queue_exists_once_it_is_set_up_before_it_takes_requests(amqp_uri):
    """Replies are consumed on a connection of their own, which may come up after the service has
    begun to take requests: the queue a call's reply goes to is declared while the service is set
    up, so a reply sent meanwhile waits in it instead of being dropped."""
    container = ServiceContainer(_Caller, {AMQP_URI_CONFIG_KEY: amqp_uri})
    container.extensions.all.setup()
    (listener,) = [ext for ext in container.subextensions if isinstance(ext, QuickReplyListener)]
    with Connection(amqp_uri) as connection:
        declared = listener.queue(connection.default_channel)
        try:
            assert declared.queue_declare(passive=True).consumer_count == 0  # raises if missing
        finally:
            declared.delete()
