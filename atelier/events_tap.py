"""`atelier events tail`: print every event as it is published, one line each."""

from __future__ import annotations

import json
import sys

import pika

from services.common.settings import EVENTS_EXCHANGE


def tail(uri: str, pattern: str = "#", out=sys.stdout) -> None:
    connection = pika.BlockingConnection(pika.URLParameters(uri))
    channel = connection.channel()
    channel.exchange_declare(EVENTS_EXCHANGE, exchange_type="topic", durable=True)
    queue = channel.queue_declare("", exclusive=True, auto_delete=True).method.queue
    channel.queue_bind(queue, EVENTS_EXCHANGE, routing_key=pattern)
    print(f"# tailing events matching {pattern!r} (Ctrl-C to stop)", file=out, flush=True)

    def on_message(ch, method, properties, body):
        try:
            envelope = json.loads(body)
            line = "{} {} {}".format(
                envelope.get("type", method.routing_key),
                envelope.get("id", properties.message_id),
                json.dumps(envelope.get("data"), separators=(",", ":"), ensure_ascii=False),
            )
        except ValueError:
            line = f"{method.routing_key} {properties.message_id} <not JSON: {body[:200]!r}>"
        print(line, file=out, flush=True)

    channel.basic_consume(queue, on_message, auto_ack=True)
    try:
        channel.start_consuming()
    except KeyboardInterrupt:
        pass
    finally:
        if connection.is_open:
            connection.close()
