"""Every product service starts from its migrations and answers `health`."""

from __future__ import annotations

import pytest

from services.common.settings import SERVICES

pytestmark = pytest.mark.integration


def test_every_service_starts_from_a_migrated_database_and_answers_health(system):
    for service in SERVICES:
        system.start(service, wait=False)
    for proc, service in zip(system.processes, SERVICES, strict=True):
        proc.wait_healthy(service)
    with system.rpc() as rpc:
        assert [getattr(rpc, s).health() for s in SERVICES] == [
            {"service": s, "status": "ok"} for s in SERVICES
        ]
