"""A service written with nothing but Nameko's own `@rpc` and context data, to prove the gateway's
client speaks Nameko's wire protocol (not only Atelier's variant of it)."""

from nameko.contextdata import UserId
from nameko.rpc import rpc


class Refused(Exception):
    pass


class StockService:
    name = "stock_probe"

    user_id = UserId()

    @rpc
    def echo(self, value, suffix=""):
        return {"value": value, "suffix": suffix, "user_id": self.user_id}

    @rpc
    def refuse(self):
        raise Refused("no")
