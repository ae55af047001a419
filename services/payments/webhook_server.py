"""Nameko's HTTP entrypoint on the payments service's own address (`PAYMENTS_WEBHOOK_ADDRESS`,
default 127.0.0.1:8081), so the webhook port is the payments service's and no other's."""

from __future__ import annotations

from nameko.web.handlers import HttpRequestHandler
from nameko.web.server import WebServer, parse_address

from . import settings


class WebhookServer(WebServer):
    @property
    def bind_addr(self):
        return parse_address(settings.webhook_address())


class WebhookEntrypoint(HttpRequestHandler):
    server = WebhookServer()


http = WebhookEntrypoint.decorator
