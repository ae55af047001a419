"""Alembic, one history per service under `services/<name>/migrations/`.

Each service's `migrations/env.py` calls `run_env(<its metadata>)`; `upgrade(service)` brings a
service's database to the newest revision and is what the runner, the tests and deploy call.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

from . import settings
from .db import make_engine, normalise_url

SERVICES_DIR = Path(__file__).resolve().parents[1]


def alembic_config(service: str, url: str | None = None, script_location: Path | None = None) -> Config:
    """Alembic's config for `service`; `script_location` defaults to `services/<service>/migrations`."""
    config = Config()
    location = script_location or SERVICES_DIR / service / "migrations"
    config.set_main_option("script_location", str(location))
    config.attributes["database_url"] = normalise_url(url or settings.database_url(service))
    return config


def upgrade(
    service: str, url: str | None = None, revision: str = "head", script_location: Path | None = None
) -> None:
    command.upgrade(alembic_config(service, url, script_location), revision)


def run_env(target_metadata) -> None:
    """The body of every service's `migrations/env.py`."""
    from alembic import context

    url = context.config.attributes.get("database_url")
    engine = make_engine(url, pool_size=1)
    try:
        with engine.connect() as connection:
            context.configure(
                connection=connection,
                target_metadata=target_metadata,
                render_as_batch=engine.dialect.name == "sqlite",
                compare_type=True,
            )
            with context.begin_transaction():
                context.run_migrations()
            connection.commit()
    finally:
        engine.dispose()
