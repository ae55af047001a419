"""One blueprint per area of the API, so each service's routes sit in one obvious place.

Identity's routes live in `gateway.identity.routes`, each other area's in `gateway.<area>.routes`;
moderation and the remaining admin routes start empty and grow as their services do.
"""

from __future__ import annotations

from ..api import PREFIX, ServiceBlueprint
from ..catalog.routes import blp as catalog
from ..delivery.routes import blp as delivery
from ..notifications.routes import blp as notifications
from ..orders.routes import blp as orders
from ..payments.routes import blp as payments

moderation = ServiceBlueprint("moderation", __name__, description="Complaints and verification")
admin = ServiceBlueprint("admin", __name__, url_prefix=f"{PREFIX}/admin",
                         description="Staff-only operations")

ALL = (catalog, orders, delivery, payments, notifications, moderation, admin)
