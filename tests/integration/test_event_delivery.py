"""Events committed with a state change reach their consumers once, through crashes and restarts."""

from __future__ import annotations

import threading

import pika
import pytest
from nameko.exceptions import RemoteError

from services.common.runtime import topology
from tests.integration.kernel import CONSUMER, PRODUCER, probe_databases
from tests.support.harness import queue_state, restart_broker, rpc_proxy, wait_for
from tests.support.tap import EventTap

pytestmark = pytest.mark.integration


def test_an_event_republished_after_a_relay_crash_takes_effect_once(
    databases, processes, amqp_uri
):
    dbs = probe_databases(databases)
    consumer = processes.service(CONSUMER, dbs.env, wait="probe_consumer")
    processes.service(PRODUCER, dbs.env, wait="probe_producer")
    tap = EventTap(amqp_uri, "probe.#")
    with rpc_proxy(amqp_uri) as rpc:
        note_ids = rpc.probe_producer.record(["a", "b", "c"])

    # The relay publishes the batch, then dies before marking it sent.
    crashed = processes.relay(["probe_producer"],
                              {**dbs.env, "ATELIER_FAILPOINTS": "relay.after_publish"})
    assert crashed.wait_exit(30) == 137
    assert len(tap.drain()) == 3
    assert dbs.outbox_unsent() == 3

    processes.relay(["probe_producer"], dbs.env)
    wait_for(lambda: dbs.outbox_unsent() == 0, message="the outbox to be marked sent")

    published = [e["id"] for e in tap.drain()]
    assert len(published) == 6 and len(set(published)) == 3  # each event went out twice
    wait_for(lambda: consumer.logs().count("already handled") == 3,
             message="the consumer to acknowledge the three duplicates")
    assert sorted(r.note_id for r in dbs.received()) == sorted(note_ids)


def test_events_the_broker_refuses_stay_unsent_until_it_takes_them(databases, processes, amqp_uri):
    dbs = probe_databases(databases)
    consumer = processes.service(CONSUMER, dbs.env, wait="probe_consumer")
    # A full queue that rejects publishes makes the broker nack every probe event.
    connection = pika.BlockingConnection(pika.URLParameters(amqp_uri))
    channel = connection.channel()
    channel.queue_declare("refusing", arguments={"x-max-length": 0, "x-overflow": "reject-publish"})
    channel.queue_bind("refusing", topology.events_exchange().name, routing_key="probe.#")
    recorded = dbs.record_directly(["a", "b", "c"])

    relay = processes.relay(["probe_producer"], dbs.env)
    wait_for(lambda: relay.logs().count("nacked") >= 2,
             message="the relay to try the refused batch twice")
    assert dbs.outbox_unsent() == 3

    channel.queue_delete("refusing")
    connection.close()
    wait_for(lambda: dbs.outbox_unsent() == 0, message="the outbox to be marked sent")
    wait_for(lambda: len(dbs.received()) == 3, message="the three events to take effect")
    assert sorted(r.note_id for r in dbs.received()) == sorted(recorded)
    # Each refused try still reached the consumer's queue; its inbox kept the effect single.
    assert "already handled" in consumer.logs()


def test_a_rolled_back_transaction_publishes_nothing(databases, processes, amqp_uri):
    dbs = probe_databases(databases)
    processes.service(CONSUMER, dbs.env, wait="probe_consumer")
    processes.service(PRODUCER, dbs.env, wait="probe_producer")
    processes.relay(["probe_producer"], dbs.env)
    tap = EventTap(amqp_uri, "probe.#")

    with rpc_proxy(amqp_uri) as rpc:
        with pytest.raises(RemoteError, match="refused after recording"):
            rpc.probe_producer.record(["doomed"], fail=True)
        [kept] = rpc.probe_producer.record(["kept"])

    wait_for(lambda: [r.note_id for r in dbs.received()] == [kept],
             message="the committed note to arrive")
    assert [e["data"]["text"] for e in tap.drain()] == ["kept"]
    assert dbs.outbox_unsent() == 0


@pytest.mark.exclusive
def test_no_event_is_lost_when_the_broker_restarts_mid_flow(databases, processes, amqp_uri):
    dbs = probe_databases(databases)
    processes.service(CONSUMER, dbs.env, wait="probe_consumer")
    processes.relay(["probe_producer"], dbs.env)
    recorded: list[str] = []
    restarted = threading.Event()

    def produce():
        pause = threading.Event()
        for batch in range(40):
            recorded.extend(dbs.record_directly([f"note {batch}.{i}" for i in range(5)]))
            if batch == 10:
                restarted.wait(120)  # keep writing while the broker is down and coming back
            pause.wait(0.02)

    writer = threading.Thread(target=produce)
    writer.start()
    wait_for(lambda: len(dbs.received()) >= 20, message="events to start flowing")
    restart_broker()
    restarted.set()
    writer.join(120)

    assert len(recorded) == 200
    wait_for(lambda: len(dbs.received()) >= 200, timeout=120,
             message="every event recorded across the restart to arrive")
    received = [r.note_id for r in dbs.received()]
    assert sorted(received) == sorted(recorded)
    # The service answered calls before the restart; it answers them again after (its reply
    # connection is made anew instead of the service dying on the first reply).
    assert wait_for(lambda: _health(amqp_uri)["status"] == "ok", timeout=60,
                    message="the consumer to answer an RPC after the broker restart")


def _health(amqp_uri: str) -> dict:
    with rpc_proxy(amqp_uri, timeout=3) as rpc:
        return rpc.probe_consumer.health()


def test_two_replicas_of_a_consumer_handle_each_event_once_between_them(
    databases, processes, amqp_uri
):
    dbs = probe_databases(databases)
    first = processes.service(CONSUMER, dbs.env, wait="probe_consumer")
    second = processes.service(CONSUMER, dbs.env, wait="probe_consumer")
    # `health` is answered by either replica: wait until both consume the handler's queue.
    wait_for(lambda: queue_state(amqp_uri, "probe_consumer.on_note_recorded")[1] == 2,
             timeout=30, message="both replicas to consume")
    recorded = dbs.record_directly([f"note {i}" for i in range(200)])
    processes.relay(["probe_producer"], dbs.env)

    wait_for(lambda: len(dbs.received()) >= 200, timeout=60, message="all 200 events")
    rows = dbs.received()
    assert sorted(r.note_id for r in rows) == sorted(recorded)
    assert {r.pid for r in rows} == {first.proc.pid, second.proc.pid}


def test_two_relays_on_one_outbox_publish_each_event_once_in_order_per_aggregate(
    databases, processes, amqp_uri
):
    dbs = probe_databases(databases)
    tap = EventTap(amqp_uri, "probe.#")
    aggregates = [f"order-{i}" for i in range(12)]
    for round_ in range(25):
        for aggregate in aggregates:
            dbs.record_directly([f"{aggregate} step {round_}"], aggregate_id=aggregate)

    relay_env = {**dbs.env}
    processes.relay(["probe_producer"], relay_env)
    processes.relay(["probe_producer"], relay_env)
    wait_for(lambda: dbs.outbox_unsent() == 0, timeout=60, message="both relays to finish")

    published = tap.drain()
    ids = [e["id"] for e in published]
    assert len(ids) == 300 and len(set(ids)) == 300
    for aggregate in aggregates:
        steps = [int(e["data"]["text"].rsplit(" ", 1)[1]) for e in published
                 if e["data"]["text"].startswith(f"{aggregate} ")]
        assert steps == list(range(25)), f"{aggregate} out of order: {steps}"
