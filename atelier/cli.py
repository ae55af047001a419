"""The `atelier` command: run the system, relay events, and look after the event flow."""

from __future__ import annotations

import logging
import signal
import threading

import click

from services.common import settings


@click.group()
def main() -> None:
    """Atelier operator tools."""


@main.command()
@click.argument("processes", nargs=-1)
@click.option("--exit-on-crash", is_flag=True,
              help="Stop everything, and exit non-zero, as soon as one process exits "
                   "(default: start it again after a back-off).")
def run(processes: tuple[str, ...], exit_on_crash: bool) -> None:
    """Start PROCESSES (default: every service, the relay and the gateway, as `make run` does),
    start again any that exits, and stop them all on Ctrl-C or SIGTERM."""
    from . import runner

    unknown = sorted(set(processes) - set(runner.processes()))
    if unknown:
        raise click.BadParameter(f"{', '.join(unknown)} (known: {', '.join(runner.processes())})",
                                 param_hint="PROCESSES")
    raise SystemExit(runner.run(echo=click.echo, names=processes, exit_on_crash=exit_on_crash))


@main.command()
@click.argument("services", nargs=-1)
def migrate(services: tuple[str, ...]) -> None:
    """Bring the databases of SERVICES (default: all, and the gateway's) to the newest schema."""
    from services.common import migrations

    from . import runner

    if not services:
        runner.migrate_all(echo=click.echo)
        return
    for service in services:
        migrations.upgrade(service)
        click.echo(f"migrated {service}")


@main.command()
@click.argument("kinds", nargs=-1, type=click.Choice(["mail", "sms", "telegram"]))
def sinks(kinds: tuple[str, ...]) -> None:
    """Run the SMTP sink and the fake SMS gateway and Telegram Bot API (default: all three) until
    stopped; addresses in `atelier.sinks`."""
    from . import sinks as fakes

    fakes.serve(kinds or fakes.KINDS, echo=lambda line: click.echo(line))


@main.command()
@click.argument("services", nargs=-1)
@click.option("--batch-size", default=200, show_default=True)
def relay(services: tuple[str, ...], batch_size: int) -> None:
    """Publish the outboxes of SERVICES (default: every service's and the gateway's) to RabbitMQ
    until stopped."""
    from services.common.runtime.relay import relay_for

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    settings.refuse_test_hooks_in_production()
    relays = [relay_for(s, batch_size=batch_size) for s in services or settings.OUTBOXES]
    threads = [threading.Thread(target=r.run, name=f"relay-{r.service}") for r in relays]

    def stop(*_):
        for r in relays:
            r.stop()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    for t in threads:
        t.start()
    for t in threads:
        while t.is_alive():
            t.join(0.5)


@main.group()
def admin() -> None:
    """Administrator accounts."""


@admin.command("create")
@click.option("--email", required=True)
@click.option("--password", required=True, prompt=True, hide_input=True,
              confirmation_prompt=True)
@click.option("--name", default="Administrator", show_default=True)
def admin_create(email: str, password: str, name: str) -> None:
    """Create an administrator account in the gateway's database."""
    from gateway.identity import create_admin
    from services.common.errors import ServiceError

    try:
        user = create_admin(email, password, name)
    except ServiceError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"created admin {user['email']} ({user['id']})")


@main.command("media-cleanup")
@click.option("--days", type=click.IntRange(min=0), default=None,
              help="Remove uploads never referenced and older than this many days "
                   "(default: MEDIA_UNREFERENCED_DAYS, 7).")
def media_cleanup(days: int | None) -> None:
    """Remove uploaded files that nothing refers to (run it daily, e.g. from cron)."""
    from gateway.media import run_cleanup

    removed = run_cleanup(days)
    click.echo(f"removed {len(removed)} unreferenced upload(s)")
    for upload_id in removed:
        click.echo(upload_id)


@main.command()
@click.option("--products", type=click.IntRange(min=1), required=True,
              help="How many products to generate.")
@click.option("--seed", "seed_value", default=1, show_default=True,
              help="The same seed makes the same catalog.")
@click.option("--database-url", default=None,
              help="The catalog's database (default: CATALOG_DATABASE_URL).")
def seed(products: int, seed_value: int, database_url: str | None) -> None:
    """Fill the catalog with a realistic generated one: shops, products, options, characteristics."""
    from .seed import seed as generate

    try:
        summary = generate(products, database_url=database_url, seed=seed_value)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(" ".join(f"{key}={value}" for key, value in summary.items()))


@main.group()
def events() -> None:
    """Watch the events flowing between services."""


@events.command()
@click.option("--type", "pattern", default="#", show_default=True,
              help="Event types to show, e.g. 'order.*' ('*' is one word, '#' any number).")
def tail(pattern: str) -> None:
    """Print each event as it is published: type, id and data as JSON."""
    from .events_tap import tail as tail_events

    tail_events(settings.amqp_uri(), pattern)


@main.group()
def dlq() -> None:
    """Inspect and replay messages that failed too often."""


@dlq.command("list")
@click.argument("service")
def dlq_list(service: str) -> None:
    """Show SERVICE's dead letters."""
    from .dead_letters import NoDeadLetterQueue, list_dead_letters

    try:
        letters = list_dead_letters(settings.amqp_uri(), service)
    except NoDeadLetterQueue as exc:
        raise click.ClickException(str(exc)) from None
    for letter in letters:
        click.echo(f"{letter.event_id} {letter.type} queue={letter.queue} "
                   f"attempts={letter.attempts} reason={letter.reason}")
    click.echo(f"{len(letters)} dead letter(s) in {service}.dlq")


@dlq.command("replay")
@click.argument("service")
@click.option("--id", "ids", multiple=True, help="Event id to replay (repeatable); default: all.")
def dlq_replay(service: str, ids: tuple[str, ...]) -> None:
    """Send SERVICE's dead letters back to the handlers they failed in."""
    from .dead_letters import NoDeadLetterQueue, replay

    try:
        replayed = replay(settings.amqp_uri(), service, set(ids) or None)
    except NoDeadLetterQueue as exc:
        raise click.ClickException(str(exc)) from None
    for letter in replayed:
        click.echo(f"replayed {letter.event_id} {letter.type} -> {letter.queue}")
    click.echo(f"{len(replayed)} dead letter(s) replayed")
