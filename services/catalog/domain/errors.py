"""Typed errors of the catalog rules and their stable codes.

The gateway maps them by kind: `Invalid` → 422, `Conflict` → 409, `NotFound` → 404. `errors` maps a
field path to a list of messages (the rules below may name one message as a string; the error keeps
it as a list of one); paths are dotted and list positions are numbers, as in the
other services: `title`, `options.1.variants.0.label`, `wholesale.2.min_quantity`,
`characteristics.theme`.
Codes are part of the API; do not rename them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from services.common.errors import Conflict, Invalid, NotFound


def field_errors(errors: dict[str, Any] | None) -> dict[str, Any]:
    """`{path: message}` as `{path: [message]}`; lists (of messages, or of shortages) kept."""
    return {path: [message] if isinstance(message, str) else message
            for path, message in (errors or {}).items()}


class _Refusal:
    """A catalog error whose per-field errors are lists of messages, however they were given."""

    def __init__(self, detail: str, code: str | None = None,
                 errors: dict[str, Any] | None = None):
        super().__init__(detail, code, field_errors(errors))


class ProductInvalid(_Refusal, Invalid, code="invalid_product"):
    """A product draft (or a change to one) that breaks a catalog rule."""


class ShopInvalid(_Refusal, Invalid, code="invalid_shop"):
    """A shop profile, its rules, contact methods or vacation that break a rule."""


class OptionInvalid(_Refusal, Invalid, code="invalid_option"):
    """A product or global option whose kind, variants or price deltas break a rule."""


class UnknownCategory(_Refusal, Invalid, code="unknown_category"):
    """A category slug or id that is not in the platform's tree."""


class CharacteristicsInvalid(_Refusal, Invalid, code="invalid_characteristics"):
    """Characteristics the product's category does not allow, or malformed values."""


class QuoteInvalid(_Refusal, Invalid, code="invalid_quote"):
    """A quote request with a bad quantity, unknown options or variants, or a missing choice."""


class ReservationInvalid(_Refusal, Invalid, code="invalid_reservation"):
    """Reservation lines without a positive whole quantity."""


class CategoryNotFound(_Refusal, NotFound, code="category_not_found"):
    """A category asked for by its own address (not as a product field) that does not exist."""


class NotForSale(_Refusal, Conflict, code="not_for_sale"):
    """The product cannot be bought right now: disabled, hidden, the shop's status or vacation."""


class PriceOnRequest(_Refusal, Conflict, code="offer_only"):
    """An `offer_only` product has no public price: it is bought through an offer."""


class OutOfStock(_Refusal, Conflict, code="out_of_stock"):
    """A reservation that cannot be had in full; names every product that falls short."""

    shortages: tuple[Any, ...] = ()

    @classmethod
    def for_shortages(cls, shortages: Sequence[Any]) -> OutOfStock:
        """One error; `errors["lines"]` names each shortage: product_id, requested, available."""
        lines = [shortage.to_dict() for shortage in shortages]
        names = ", ".join(line["product_id"] for line in lines)
        error = cls(f"Not enough stock for: {names}", errors={"lines": lines})
        error.shortages = tuple(shortages)
        return error


class ErrorCollector:
    """Collects per-field messages so one refusal names every broken field at once."""

    def __init__(self, prefix: str = "") -> None:
        self.errors: dict[str, Any] = {}
        self.prefix = prefix

    def add(self, path: str, message: str) -> None:
        self.errors.setdefault(self.prefix + path, message)

    def merge(self, errors: dict[str, str], prefix: str = "") -> None:
        for path, message in errors.items():
            self.add(prefix + path, message)

    def __bool__(self) -> bool:
        return bool(self.errors)

    def raise_if_any(self, error_cls: type[Invalid], detail: str) -> None:
        if self.errors:
            raise error_cls(detail, errors=dict(self.errors))
