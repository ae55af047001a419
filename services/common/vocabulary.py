"""Words the services and the gateway share: defined here once, each in API.md's order.

A service's domain may hold its own Enum of one of these (orders' `Status`); a test checks that it
names exactly these values.
"""

from __future__ import annotations

ORDER_STATUSES = ("placed", "confirmed", "partially_paid", "in_production", "paid", "shipped",
                  "received", "completed", "cancelled", "expired")
# The seller's order tabs (API.md `tab`): open = placed; ready_to_ship = confirmed, partially paid,
# in production or paid; complete = shipped, received or completed; cancelled = cancelled or expired.
ORDER_TABS = ("open", "ready_to_ship", "complete", "cancelled")
# How a buyer asks to be contacted (seed 003); a shop offers some of them.
CONTACT_METHODS = ("email", "site_chat", "whatsapp_viber", "sms", "phone_call")
ACTOR_ROLES = ("buyer", "seller", "admin", "system")
