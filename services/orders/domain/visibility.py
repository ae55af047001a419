"""Who may see an order, and what each party sees of it.

An order is seen by its buyer (or a guest holding the order link), by the seller of its shop, and by
the admin; nobody else, not even another seller. The seller's private notes ("the customer doesn't
see the notes", seed 001), the customer card and the order-source data are the seller's: they never
appear in a buyer-facing view. The guest's access token appears in no view at all (it travels only
in the checkout response and the confirmation e-mail).

The views are built from a plain order dict, so whatever the storage adds, the rule stays here:
`buyer_view` removes the seller-only keys at any depth of nesting.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .errors import NotYourOrder
from .states import Role, as_role

SELLER_ONLY_FIELDS = frozenset(
    {"notes", "seller_notes", "private_notes", "customer_card", "source"}
)
SECRET_FIELDS = frozenset({"access_token", "access_token_hash"})


@dataclass(frozen=True, slots=True)
class Viewer:
    role: Role
    user_id: str | None = None
    shop_ids: frozenset[str] = field(default_factory=frozenset)  # the shops a seller owns
    order_link: bool = False  # a guest whose order-link token the caller has already checked

    def __post_init__(self) -> None:
        object.__setattr__(self, "role", as_role(self.role))
        object.__setattr__(self, "shop_ids", frozenset(str(s) for s in self.shop_ids))


def is_guest_order(order: Mapping[str, Any]) -> bool:
    return order.get("buyer_id") is None


def is_its_buyer(order: Mapping[str, Any], viewer: Viewer) -> bool:
    if viewer.role is not Role.BUYER:
        return False
    buyer_id = order.get("buyer_id")
    if buyer_id is None:
        return viewer.order_link
    return viewer.user_id is not None and str(buyer_id) == str(viewer.user_id)


def is_its_seller(order: Mapping[str, Any], viewer: Viewer) -> bool:
    return viewer.role is Role.SELLER and str(order.get("shop_id")) in viewer.shop_ids


def can_view(order: Mapping[str, Any], viewer: Viewer) -> bool:
    return viewer.role is Role.ADMIN or is_its_buyer(order, viewer) or is_its_seller(order, viewer)


def ensure_can_view(order: Mapping[str, Any], viewer: Viewer) -> None:
    if not can_view(order, viewer):
        raise NotYourOrder("this order is not yours")


def buyer_view(order: Mapping[str, Any]) -> dict[str, Any]:
    """The order as its buyer sees it: no seller-only data, no secrets, at any depth."""
    return _without(order, SELLER_ONLY_FIELDS | SECRET_FIELDS)


def seller_view(order: Mapping[str, Any]) -> dict[str, Any]:
    """The order as its seller sees it: everything but secrets (guest contacts included)."""
    return _without(order, SECRET_FIELDS)


def admin_view(order: Mapping[str, Any]) -> dict[str, Any]:
    return _without(order, SECRET_FIELDS)


def view_for(order: Mapping[str, Any], viewer: Viewer) -> dict[str, Any]:
    """The view this viewer may have, or `NotYourOrder`."""
    ensure_can_view(order, viewer)
    if viewer.role is Role.ADMIN:
        return admin_view(order)
    if is_its_seller(order, viewer):
        return seller_view(order)
    return buyer_view(order)


def _without(value: Any, keys: frozenset[str]) -> Any:
    if isinstance(value, Mapping):
        return {k: _without(v, keys) for k, v in value.items() if k not in keys}
    if isinstance(value, list | tuple):
        return [_without(v, keys) for v in value]
    return copy.deepcopy(value)
