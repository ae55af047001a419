"""Identity, owned by the gateway: accounts, passwords, tokens, login throttling."""

from __future__ import annotations


def create_admin(email: str, password: str, name: str = "Administrator",
                 database_url: str | None = None) -> dict:
    """Create an admin account (the `atelier admin create` command calls this).

    Brings the gateway database to its newest revision first. Raises
    `services.common.errors.Conflict` when the e-mail is taken. Returns `{id, email, name, roles}`.
    """
    from services.common import settings as common

    from ..db import Store, migrations_upgrade
    from . import actions

    url = database_url or common.database_url("gateway")
    migrations_upgrade(url)
    store = Store(url)
    try:
        user = actions.create_admin(store, email=email, password=password, name=name)
    finally:
        store.dispose()
    return {"id": user.id, "email": user.email, "name": user.name, "roles": user.roles}
