"""The four universal methods every shop has (seed 003): Russian Post, CDEK pickup point, courier,
other. They take nothing about the order into account (price, size, region) and carry no rate: the
seller quotes the delivery cost after the order. Their ids are stable per shop (UUID5 of the shop id
and a key), so nothing needs storing but the shop's on/off choices.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection

from .methods import Carrier, DeliveryMethod

# Fixed forever: changing it would change every universal method's id.
UNIVERSAL_NAMESPACE = uuid.UUID("8d3c4f0e-5a59-4f3e-9c55-2f7b1f0f6a10")

UNIVERSAL_KEYS: tuple[tuple[str, str, Carrier], ...] = (
    ("russian_post", "Russian Post", Carrier.RUSSIAN_POST),
    ("cdek_pickup", "CDEK pickup point", Carrier.CDEK),
    ("courier", "Courier", Carrier.COURIER),
    ("other", "Other", Carrier.OTHER),
)


def universal_method_id(shop_id: str, key: str) -> str:
    """The stable id of a shop's universal method `key` (e.g. "cdek_pickup")."""
    return str(uuid.uuid5(UNIVERSAL_NAMESPACE, f"{str(shop_id).lower()}:{key}"))


def universal_methods(
    shop_id: str, disabled_ids: Collection[str] = frozenset()
) -> list[DeliveryMethod]:
    """The shop's four universal methods, enabled unless their id is in `disabled_ids`."""
    disabled = {str(method_id) for method_id in disabled_ids}
    return [
        DeliveryMethod(
            id=(method_id := universal_method_id(shop_id, key)),
            name=name,
            carrier=carrier,
            rate=None,
            enabled=method_id not in disabled,
            universal=True,
        )
        for key, name, carrier in UNIVERSAL_KEYS
    ]


def universal_key(shop_id: str, method_id: str) -> str | None:
    """Which universal method of the shop `method_id` is ("courier", ...), or None."""
    for key, _name, _carrier in UNIVERSAL_KEYS:
        if universal_method_id(shop_id, key) == str(method_id):
            return key
    return None
