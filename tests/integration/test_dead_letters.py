"""A message that keeps failing ends in the service's dead-letter queue, and can be replayed."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime

import pika
import pytest

from services.common.settings import EVENTS_EXCHANGE
from tests.integration.kernel import CONSUMER, PRODUCER, probe_databases
from tests.support.harness import atelier, queue_state, rpc_proxy, wait_for

pytestmark = pytest.mark.integration

RETRY_ENV = {"EVENT_MAX_ATTEMPTS": "3", "EVENT_RETRY_BACKOFF_MS": "100"}


def poisoned(databases, tmp_path):
    """Probe databases, and the consumer's settings with its "poison" notes failing while the
    returned file exists."""
    dbs = probe_databases(databases)
    poison = tmp_path / "poison"
    poison.touch()
    return dbs, poison, {**dbs.env, **RETRY_ENV, "PROBE_POISON_FILE": str(poison)}


def dead_letters(amqp_uri: str) -> list[str]:
    result = atelier("dlq", "list", "probe_consumer", amqp_uri=amqp_uri)
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()[:-1]


def test_a_poison_event_is_dead_lettered_after_n_attempts_and_replayed_once_fixed(
    tmp_path, processes, amqp_uri, databases
):
    dbs, poison, env = poisoned(databases, tmp_path)
    processes.service(CONSUMER, env, wait="probe_consumer")
    processes.service(PRODUCER, env, wait="probe_producer")
    processes.relay(["probe_producer"], env)

    with rpc_proxy(amqp_uri) as rpc:
        rpc.probe_producer.record(["poison"])
    [line] = wait_for(lambda: dead_letters(amqp_uri), message="the event in probe_consumer.dlq")
    event_id = line.split()[0]
    assert "probe.note_recorded" in line and "queue=probe_consumer.on_note_recorded" in line
    assert "attempts=3" in line
    assert poison.read_text().split() == [event_id] * 3
    assert dbs.received() == []

    poison.unlink()  # the handler is fixed
    replay = atelier("dlq", "replay", "probe_consumer", "--id", event_id, amqp_uri=amqp_uri)
    assert replay.returncode == 0, replay.stderr
    assert f"replayed {event_id}" in replay.stdout
    wait_for(lambda: len(dbs.received()) == 1, message="the replayed event to take effect")
    assert dead_letters(amqp_uri) == []


def test_a_poison_event_among_a_backlog_is_retried_alone_and_the_others_take_effect_once(
    tmp_path, processes, amqp_uri, databases
):
    dbs, poison, env = poisoned(databases, tmp_path)
    processes.service(CONSUMER, env, wait="probe_consumer").stop()  # its queue exists, unread
    processes.service(PRODUCER, env, wait="probe_producer")
    texts = [f"note {i}" for i in range(40)]
    texts[17] = "poison"
    with rpc_proxy(amqp_uri) as rpc:
        ids = rpc.probe_producer.record(texts)
    processes.relay(["probe_producer"], env)
    wait_for(lambda: queue_state(amqp_uri, "probe_consumer.on_note_recorded")[0] == 40,
             message="the backlog to be queued")
    # The consumer starts on a full queue: deliveries arrive together and are handled in batches.
    processes.service(CONSUMER, env, wait="probe_consumer")

    [line] = wait_for(lambda: dead_letters(amqp_uri), message="the poison event in the DLQ")
    assert "attempts=3" in line
    wait_for(lambda: len(dbs.received()) >= 39, message="every other event to take effect")
    received = sorted(r.note_id for r in dbs.received())
    assert received == sorted(i for i, text in zip(ids, texts, strict=True) if text != "poison")


def test_an_event_that_breaks_its_contract_is_dead_lettered_without_retries(
    processes, amqp_uri, tmp_path
):
    from tests.support.harness import Databases

    dbs = probe_databases(Databases("sqlite", tmp_path))
    processes.service(CONSUMER, {**dbs.env, **RETRY_ENV}, wait="probe_consumer")
    bad = {
        "id": str(uuid.uuid4()), "type": "probe.note_recorded", "version": 1,
        "occurred_at": datetime.now(UTC).isoformat(), "producer": "someone",
        "data": {"note_id": "not-a-uuid", "text": "x", "position": "first"},
    }
    connection = pika.BlockingConnection(pika.URLParameters(amqp_uri))
    channel = connection.channel()
    channel.basic_publish(EVENTS_EXCHANGE, "probe.note_recorded", json.dumps(bad),
                          pika.BasicProperties(content_type="application/json", delivery_mode=2))
    connection.close()

    [line] = wait_for(lambda: dead_letters(amqp_uri), message="the malformed event in the DLQ")
    assert line.startswith(bad["id"]) and "attempts=1" in line
    assert dbs.received() == []
