"""Carriers' tracking APIs: one adapter per carrier, and the set this process may call.

- `cdek`: CDEK API v2 (OAuth 2 client credentials, `GET /v2/orders?cdek_number=`);
- `russian_post`: Russian Post's single-item SOAP service (`getOperationHistory`).

Each adapter object has `CARRIER` (our carrier code) and `fetch(number)`, which returns a
`TrackingReport` (the carrier's current status in our words), None when the carrier has no news on
the number, or raises `CarrierUnavailable` (`CarrierRefused` when it refused our credentials).
A carrier is polled when its credentials are set (`services.shipping.settings`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol

from nameko.extensions import DependencyProvider

from services.shipping import settings

from . import cdek, russian_post
from .base import CarrierRefused, CarrierUnavailable, TrackingReport
from .cdek import CdekTracking
from .russian_post import RussianPostTracking

ADAPTERS: dict[str, type] = {cdek.CARRIER: CdekTracking, russian_post.CARRIER: RussianPostTracking}

__all__ = [
    "ADAPTERS",
    "CarrierRefused",
    "CarrierTracking",
    "CarrierUnavailable",
    "CdekTracking",
    "RussianPostTracking",
    "TrackingApis",
    "TrackingReport",
]


class Tracker(Protocol):
    CARRIER: str

    def fetch(self, number: str) -> TrackingReport | None: ...


class TrackingApis:
    """The carriers this process can ask, each through its adapter."""

    def __init__(self, trackers: Mapping[str, Tracker]):
        unknown = set(trackers) - set(ADAPTERS)
        if unknown:
            raise ValueError(f"no tracking adapter for {sorted(unknown)}")
        self.trackers = dict(trackers)

    @property
    def carriers(self) -> list[str]:
        return sorted(self.trackers)

    def fetch(self, carrier: str, number: str) -> TrackingReport | None:
        return self.trackers[carrier].fetch(number)

    @classmethod
    def from_settings(cls) -> TrackingApis:
        timeout = settings.carrier_timeout_seconds()
        trackers: dict[str, Tracker] = {}
        if (account := settings.cdek_account()) is not None:
            pause = min(CdekTracking.REFUSAL_PAUSE, settings.tracking_poll_seconds())
            trackers[cdek.CARRIER] = CdekTracking(
                account.url, account.user, account.secret, timeout, refusal_pause=pause
            )
        if (account := settings.russian_post_account()) is not None:
            trackers[russian_post.CARRIER] = RussianPostTracking(
                account.url, account.user, account.secret, timeout
            )
        return cls(trackers)


class CarrierTracking(DependencyProvider):
    """Nameko dependency: the configured `TrackingApis`, read from the environment at setup."""

    def setup(self):
        self.apis = TrackingApis.from_settings()

    def get_dependency(self, worker_ctx):
        return self.apis
