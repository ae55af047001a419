"""What a shop allows at checkout (seed 003), from the terms the catalog tells of it.

* Contact methods: the buyer chooses how to be contacted among those the shop offers. A shop that
  lists none offers them all (the catalog's own rule: "by default every method is offered").
  A guest has no account, so no site chat (seed 003: the guest cannot choose "chat on the site"),
  whatever the shop offers.
* Vacation: while a shop's vacation without cart lasts, nothing of it is checked out, lines put in
  the cart before it began included (they wait in the cart until it ends). A vacation that allows
  the cart lets orders through: the seller handles them on return.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

SITE_CHAT = "site_chat"


def contact_method_refusal(chosen: str | None, offered: Iterable[str] | None, *,
                           guest: bool) -> str | None:
    """Why `chosen` may not be the order's contact method (None: it may, or none was chosen)."""
    if chosen is None:
        return None
    if guest and chosen == SITE_CHAT:
        return "A guest order has no site chat: choose another contact method."
    offered = list(offered or ())
    if offered and chosen not in offered:
        return f"The shop does not offer {chosen}; it offers {', '.join(offered)}."
    return None


def closed_by_vacation(vacation: Mapping[str, Any] | None) -> bool:
    """The shop's vacation is under way and does not allow the cart: no checkout."""
    return bool(vacation and vacation.get("active") and not vacation.get("allow_cart"))
