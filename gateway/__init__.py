"""The HTTP gateway: the API under /api/v1, identity, OpenAPI, and RPC calls into the services.

Entry points for the runner and the CLI:
- `gateway.app.create_app()` — the Flask app (gunicorn: `-c gateway/gunicorn.conf.py`);
- `gateway.migrations_upgrade(url=None)` — bring `GATEWAY_DATABASE_URL` to the newest revision;
- `gateway.identity.create_admin(email, password, name)` — make an admin account.
"""

from __future__ import annotations

import warnings

# nameko (imported by the shared kernel) imports eventlet, which warns on import; the gateway does
# not run on eventlet.
warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")


def migrations_upgrade(url: str | None = None, revision: str = "head") -> None:
    from .db import migrations_upgrade as upgrade

    upgrade(url, revision)
