"""The notifications service's tables on SQLite in memory (`uow`) and the service's worker on
them (`service`), for tests that drive events through its own handlers."""

from __future__ import annotations

import pytest
from nameko.testing.services import worker_factory

from services.notifications.models import Base
from services.notifications.service import NotificationsService
from tests.support import units


@pytest.fixture
def uow():
    return units.unit_of_work(Base.metadata, "notifications")


@pytest.fixture
def service(uow):
    return worker_factory(NotificationsService, uow=uow)
