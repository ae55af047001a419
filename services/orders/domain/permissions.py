"""Who may message, keep notes and review on an order (the rules beside the state machine).

* Messages: the order's buyer and its seller (seed 001 "correspondence on the order"). A guest order
  has no site chat (seed 003: the guest cannot choose "chat on the site", the seller's "write to the
  buyer" button is inactive), so both are refused with `guest_order`; the seller uses the guest's
  other contact methods instead. Messages are allowed in every status (refund talk after a cancel).
* Notes: the seller of the order's shop only; the buyer never sees them (see `visibility`).
* Reviews: the order's registered buyer, once the order is received or completed; one per order
  (`already_reviewed`); guests cannot review (`guest_order`, seed 003).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .errors import AlreadyReviewed, GuestOrderRefused, WrongRole, WrongState
from .states import Role, Status, as_status
from .visibility import Viewer, ensure_can_view, is_guest_order, is_its_buyer, is_its_seller

REVIEWABLE = frozenset({Status.RECEIVED, Status.COMPLETED})


def ensure_can_message(order: Mapping[str, Any], viewer: Viewer) -> None:
    ensure_can_view(order, viewer)
    if not (is_its_buyer(order, viewer) or is_its_seller(order, viewer)):
        raise WrongRole("only the order's buyer and seller write on it")
    if is_guest_order(order):
        raise GuestOrderRefused("a guest order has no chat: use the buyer's contact methods")


def ensure_can_keep_notes(order: Mapping[str, Any], viewer: Viewer) -> None:
    ensure_can_view(order, viewer)
    if not is_its_seller(order, viewer):
        raise WrongRole("notes are the seller's own")


def ensure_can_review(order: Mapping[str, Any], viewer: Viewer, already_reviewed: bool) -> None:
    ensure_can_view(order, viewer)
    if viewer.role is not Role.BUYER:
        raise WrongRole("only the buyer reviews an order")
    if is_guest_order(order):
        raise GuestOrderRefused("guest orders cannot be reviewed")
    status = as_status(order["status"])
    if status not in REVIEWABLE:
        raise WrongState(f"an order is reviewed once received, this one is {status.value}")
    if already_reviewed:
        raise AlreadyReviewed("this order already has a review")
