"""Nameko entrypoints of the payments service: thin, each loads input, calls an action, dumps the result."""

from services.common import runtime


class PaymentsService(runtime.Service):
    name = "payments"
