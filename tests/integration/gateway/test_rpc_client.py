"""The RPC client against a real Nameko service: errors, context data, timeouts, threads."""

from __future__ import annotations

import threading
import time

import pytest

from gateway.rpc.client import RpcClient
from gateway.rpc.errors import RemoteError, ServiceUnavailable

pytestmark = pytest.mark.integration


@pytest.fixture
def rpc(gw_broker, platform):
    client = RpcClient(gw_broker.uri, timeout=2)
    yield client
    client.close()


@pytest.mark.parametrize(("kind", "exc_type", "mapped"), [
    ("not_found", "NotFound", "not_found"),
    ("forbidden", "Forbidden", "forbidden"),
    ("invalid", "Invalid", "invalid"),
    ("conflict", "Conflict", "conflict"),
    ("other", "RuntimeError", None),
])
def test_typed_errors_come_back_by_name(rpc, kind, exc_type, mapped):
    with pytest.raises(RemoteError) as raised:
        rpc.call("gwprobe", "fail", kind)
    assert (raised.value.exc_type, raised.value.kind) == (exc_type, mapped)
    if kind == "invalid":
        assert raised.value.errors == {"quantity": ["Must be positive."]}


def test_context_data_reaches_the_worker(rpc):
    context = {"request_id": "r-1", "user_id": "u-1", "roles": ["seller"]}
    assert rpc.call("gwprobe", "echo_context", context=context) == context


def test_a_slow_answer_times_out_and_the_client_keeps_working(rpc):
    started = time.monotonic()
    with pytest.raises(ServiceUnavailable):
        rpc.call("gwprobe", "slow", 3, timeout=0.3)
    assert time.monotonic() - started < 1.0
    assert rpc.call("gwprobe", "health")["status"] == "ok"


def test_a_service_nobody_runs_is_unavailable_at_once(rpc):
    started = time.monotonic()
    with pytest.raises(ServiceUnavailable):
        rpc.call("nosuchservice", "health")
    assert time.monotonic() - started < 0.5
    assert not rpc.is_running("nosuchservice")
    assert rpc.is_running("gwprobe")


def test_many_threads_share_one_client(rpc):
    results, errors = [], []

    def worker(n):
        try:
            for i in range(20):
                ctx = {"request_id": f"{n}-{i}"}
                results.append(rpc.call("gwprobe", "echo_context", context=ctx)["request_id"]
                               == f"{n}-{i}")
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert not errors and len(results) == 160 and all(results)


def test_parallel_calls_wait_together(rpc):
    started = time.monotonic()
    pending = [rpc.call_async("gwprobe", "slow", 0.3) for _ in range(4)]
    assert [p.result() for p in pending] == ["done"] * 4
    assert time.monotonic() - started < 1.0
