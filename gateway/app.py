"""The gateway's application factory: `gunicorn "gateway.app:create_app()"`."""

from __future__ import annotations

import os

from flask import Flask

from . import api, edge, logs, ops
from .areas import ALL as AREA_BLUEPRINTS
from .catalog import cache as catalog_cache
from .db import Store
from .identity.routes import blp as identity_blp
from .media import routes as media_routes
from .media import storage as media_storage
from .rpc.client import RpcClient
from .settings import GatewaySettings


def create_app(settings: GatewaySettings | None = None) -> Flask:
    """Build the app. Settings come from the environment unless given; nothing connects yet:
    the database pool and the broker connections open on first use (after gunicorn forks).

    Refuses to start (`InsecureConfiguration`) in production with a development secret.
    """
    settings = settings or GatewaySettings.from_env()
    settings.check()
    logs.configure(os.environ.get("LOG_LEVEL", "INFO"))

    app = Flask("gateway")
    app.config["GATEWAY"] = settings
    app.json.sort_keys = False
    app.url_map.strict_slashes = False
    api.openapi_config(app)

    app.extensions["gateway_store"] = Store(settings.database_url)
    app.extensions["gateway_media"] = media_storage.from_settings(settings)
    app.extensions["gateway_rpc"] = RpcClient(
        settings.amqp_uri, timeout=settings.rpc_timeout_seconds
    )

    edge.install(app)
    catalog_cache.install(app)
    rest = api.GatewayApi(app)
    rest.register_blueprint(ops.blp)
    rest.register_blueprint(identity_blp)
    for blueprint in AREA_BLUEPRINTS:
        rest.register_blueprint(blueprint)
    rest.register_blueprint(media_routes.blp)
    rest.register_blueprint(media_routes.files)
    return app
