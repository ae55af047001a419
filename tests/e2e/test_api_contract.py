"""The OpenAPI document and the running system agree: schemathesis fuzzes every documented route
of a gateway in front of the real services and finds no 5xx and no response the document denies."""

from __future__ import annotations

import subprocess

import pytest

from gateway.identity import create_admin
from services.common.settings import SERVICES
from tests.support import harness
from tests.support.api import Api

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def gateway(system):
    for service in SERVICES:
        system.start(service, wait=False)
    for proc, service in zip(system.processes, SERVICES, strict=True):
        proc.wait_healthy(service)
    return system.gateway()


def test_schemathesis_finds_nothing_contradicting_the_document(gateway):
    create_admin("root@atelier.test", "admin-password-1", "Root",
                 database_url=gateway.env["GATEWAY_DATABASE_URL"])
    api = Api(gateway)
    token = api.call("POST", "/auth/login", json={
        "email": "root@atelier.test", "password": "admin-password-1"}).json()["access_token"]
    api.close()
    run = subprocess.run([
        str(harness.BIN / "schemathesis"), "run", gateway.api("/openapi.json"),
        # The document describes shapes; rules across fields (a base price only for a quantity
        # rate, tiers in order, no titles in capitals) are the services' to refuse with a 422, so
        # "a schema-valid request was refused" is not a contradiction here. Every other check runs.
        "--checks", "all", "--exclude-checks", "positive_data_acceptance",
        "--max-examples", "10", "--workers", "2",
        "--request-timeout", "15", "--suppress-health-check", "too_slow",
        "--header", f"Authorization: Bearer {token}",
    ], capture_output=True, text=True, timeout=300)
    errors = [line for line in gateway.logs().splitlines() if '"level": "ERROR"' in line]
    assert run.returncode == 0, run.stdout[-8000:] + run.stderr[-2000:] + "\n".join(errors[-5:])
