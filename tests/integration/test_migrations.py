"""Each service's Alembic history builds exactly the tables its models describe."""

from __future__ import annotations

import importlib

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from services.common import migrations
from services.common.db import make_engine
from services.common.settings import SERVICES

pytestmark = pytest.mark.integration


@pytest.mark.parametrize("service", SERVICES)
def test_migrations_and_models_agree(service, databases):
    url = databases.url(service)
    migrations.upgrade(service, url)
    migrations.upgrade(service, url)  # a second start finds nothing to do
    metadata = importlib.import_module(f"services.{service}.models").Base.metadata
    engine = make_engine(url, pool_size=1)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            assert compare_metadata(context, metadata) == []
    finally:
        engine.dispose()
