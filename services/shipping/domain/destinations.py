"""Where a delivery method applies, and where a buyer wants the parcel to go.

A method lists destination rules `{country, region?, city?}`; it applies where any rule matches, and
everywhere when it lists none. A rule's omitted field matches anything. `country` is an ISO 3166-1
alpha-2 code (compared upper-case); `region` and `city` are free text compared after trimming,
collapsing inner spaces, case-folding and reading "ё" as "е" (buyers type "Орел" for "Орёл").
A rule that names a region or a city does not match a destination that leaves that field out.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from .errors import ErrorCollector, InvalidDestination

_COUNTRY = re.compile(r"^[A-Z]{2}$")
_SPACES = re.compile(r"\s+")
MAX_TEXT = 200


def fold(text: str | None) -> str | None:
    """The comparable form of a region or city; None when blank."""
    if text is None:
        return None
    cleaned = _SPACES.sub(" ", text).strip()
    if not cleaned:
        return None
    return cleaned.casefold().replace("ё", "е")


def _clean(text: str | None) -> str | None:
    """Trimmed display form of free text; None when blank."""
    if text is None:
        return None
    cleaned = _SPACES.sub(" ", text).strip()
    return cleaned or None


@dataclass(frozen=True, slots=True)
class Destination:
    """Where the buyer wants the parcel: country required, region and city optional."""

    country: str
    region: str | None = None
    city: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"country": self.country, "region": self.region, "city": self.city}


@dataclass(frozen=True, slots=True)
class DestinationRule:
    """One entry of a method's `destinations`; None fields match anything."""

    country: str
    region: str | None = None
    city: str | None = None

    def matches(self, destination: Destination) -> bool:
        if self.country.upper() != destination.country.upper():
            return False
        for wanted, given in ((self.region, destination.region), (self.city, destination.city)):
            if wanted is not None and fold(wanted) != fold(given):
                return False
        return True

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"country": self.country}
        if self.region is not None:
            out["region"] = self.region
        if self.city is not None:
            out["city"] = self.city
        return out


def applies_to(rules: Iterable[DestinationRule], destination: Destination) -> bool:
    """True when no rules are given or any rule matches."""
    rules = tuple(rules)
    return not rules or any(rule.matches(destination) for rule in rules)


def _country(value: Any, path: str, errors: ErrorCollector) -> str | None:
    if not isinstance(value, str) or not _COUNTRY.match(value.strip().upper()):
        errors.add(path, "Must be an ISO 3166-1 alpha-2 country code, e.g. RU.")
        return None
    return value.strip().upper()


def _text(value: Any, path: str, errors: ErrorCollector) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        errors.add(path, "Must be text.")
        return None
    cleaned = _clean(value)
    if cleaned is not None and len(cleaned) > MAX_TEXT:
        errors.add(path, f"Must be at most {MAX_TEXT} characters.")
        return None
    return cleaned


def parse_destination_rules(
    value: Any, errors: ErrorCollector, path: str = "destinations"
) -> tuple[DestinationRule, ...]:
    """Reads a method's `destinations` (None or a list of rules), reporting into `errors`."""
    if value is None:
        return ()
    if not isinstance(value, list | tuple):
        errors.add(path, "Must be a list of {country, region?, city?}.")
        return ()
    rules: list[DestinationRule] = []
    for index, entry in enumerate(value):
        here = f"{path}.{index}"
        if isinstance(entry, DestinationRule):
            rules.append(entry)
            continue
        if not isinstance(entry, Mapping):
            errors.add(here, "Must be an object {country, region?, city?}.")
            continue
        country = _country(entry.get("country"), f"{here}.country", errors)
        region = _text(entry.get("region"), f"{here}.region", errors)
        city = _text(entry.get("city"), f"{here}.city", errors)
        if country is not None:
            rules.append(DestinationRule(country, region, city))
    return tuple(rules)


def parse_destination(value: Destination | Mapping[str, Any]) -> Destination:
    """The buyer's destination; raises InvalidDestination without a valid country."""
    if isinstance(value, Destination):
        return value
    errors = ErrorCollector()
    if not isinstance(value, Mapping):
        raise InvalidDestination(
            "The destination must be an object {country, region, city}.",
            errors={"destination": "Must be an object {country, region, city}."},
        )
    country = _country(value.get("country"), "destination.country", errors)
    region = _text(value.get("region"), "destination.region", errors)
    city = _text(value.get("city"), "destination.city", errors)
    errors.raise_if_any(InvalidDestination, "The destination is not valid.")
    assert country is not None
    return Destination(country, region, city)
