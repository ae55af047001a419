"""Carriers' tracking APIs: one adapter module per carrier, and the set this process may call.

An adapter module has `CARRIER` (our carrier code) and `fetch(base_url, number, timeout)`, which
returns a `TrackingReport` (the carrier's current status in our words), None when the carrier does
not know the number yet, or raises `CarrierUnavailable`. Base URLs come from
`SHIPPING_CARRIER_API_URL_<CARRIER>`; a carrier without one is not polled.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import ModuleType

from nameko.extensions import DependencyProvider

from services.shipping import settings

from . import cdek, russian_post
from .json_api import CarrierUnavailable, TrackingReport

ADAPTERS: dict[str, ModuleType] = {module.CARRIER: module for module in (russian_post, cdek)}

__all__ = ["ADAPTERS", "CarrierUnavailable", "TrackingApis", "TrackingReport", "CarrierTracking"]


class TrackingApis:
    """The carriers this process can ask, with their base URLs."""

    def __init__(self, urls: Mapping[str, str], timeout: float):
        unknown = set(urls) - set(ADAPTERS)
        if unknown:
            raise ValueError(f"no tracking adapter for {sorted(unknown)}")
        self.urls = dict(urls)
        self.timeout = timeout

    @property
    def carriers(self) -> list[str]:
        return sorted(self.urls)

    def fetch(self, carrier: str, number: str) -> TrackingReport | None:
        return ADAPTERS[carrier].fetch(self.urls[carrier], number, self.timeout)

    @classmethod
    def from_settings(cls) -> TrackingApis:
        urls = {
            carrier: url
            for carrier in ADAPTERS
            if (url := settings.carrier_api_url(carrier)) is not None
        }
        return cls(urls, settings.carrier_timeout_seconds())


class CarrierTracking(DependencyProvider):
    """Nameko dependency: the configured `TrackingApis`, read from the environment at setup."""

    def setup(self):
        self.apis = TrackingApis.from_settings()

    def get_dependency(self, worker_ctx):
        return self.apis
