"""Identity announces each new account (`user.registered`) through the gateway's outbox, in the
registering transaction, on SQLite and PostgreSQL; the gateway's migrations go up and down."""

from __future__ import annotations

import json

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import MetaData, select

import gateway
from gateway.db import Store
from gateway.identity import actions
from gateway.identity.models import OUTBOX, Base
from gateway.media.models import Base as MediaBase
from gateway.settings import MIGRATIONS_DIR
from services.common import events, migrations
from services.common.errors import Conflict

pytestmark = pytest.mark.integration


def announced(store: Store) -> list[dict]:
    with store.reading() as conn:
        return [json.loads(p) for p in conn.execute(select(OUTBOX.c.payload)
                                                    .order_by(OUTBOX.c.seq)).scalars()]


def test_a_new_account_is_announced_once_with_its_contacts_and_a_refused_one_not(databases):
    url = databases.url("gateway")
    gateway.migrations_upgrade(url)
    store = Store(url)
    try:
        user = actions.register(store, email="Ann@Example.com", password="long enough pw",
                                name=" Ann ", role="seller", phone="+79991234567", locale="ru")
        with pytest.raises(Conflict):
            actions.register(store, email="ann@example.com", password="long enough pw",
                             name="Ann", role="buyer")

        [envelope] = announced(store)
        assert (envelope["type"], envelope["producer"]) == ("user.registered", "gateway")
        assert envelope["data"] == {"user_id": user.id, "email": "ann@example.com",
                                    "phone": "+79991234567", "name": "Ann", "locale": "ru",
                                    "roles": ["seller"]}
        assert events.parse(envelope).data["email"] == "ann@example.com"
    finally:
        store.dispose()


def gateway_metadata() -> MetaData:
    """Every table the gateway's migrations build: identity (with its outbox) and media."""
    metadata = MetaData()
    for table in [*Base.metadata.tables.values(), *MediaBase.metadata.tables.values()]:
        table.to_metadata(metadata)
    return metadata


def test_the_gateway_migrations_build_its_models_and_come_down_again(databases):
    url = databases.url("gateway")
    gateway.migrations_upgrade(url)
    store = Store(url)
    try:
        with store.engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            assert compare_metadata(context, gateway_metadata()) == []
    finally:
        store.dispose()
    config = migrations.alembic_config("gateway", url, MIGRATIONS_DIR)

    command.downgrade(config, "0001")
    gateway.migrations_upgrade(url)
