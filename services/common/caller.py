"""Who is calling: the identity the gateway authenticated, passed with every RPC as context data.

The gateway sends `user_id`, `roles`, `request_id` (the request's X-Request-ID, for the logs) and
`command_id` (the client's Idempotency-Key when it sent one, else the request id), which Nameko
carries as `nameko.<key>` AMQP headers. Services enforce ownership with the identity, and apply a
command once per `command_id` (`UnitOfWork.run_once`). A call with no user is anonymous.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .errors import Forbidden


@dataclass(frozen=True)
class Caller:
    user_id: str | None = None
    roles: frozenset[str] = field(default_factory=frozenset)
    request_id: str | None = None
    command_id: str | None = None

    @property
    def anonymous(self) -> bool:
        return self.user_id is None

    def has(self, role: str) -> bool:
        return role in self.roles

    @property
    def is_admin(self) -> bool:
        return "admin" in self.roles

    def require(self, *roles: str) -> Caller:
        """Refuse (403) unless the caller holds one of `roles`."""
        if self.user_id is None or not self.roles.intersection(roles):
            raise Forbidden(f"This needs one of the roles: {', '.join(roles)}.", "wrong_role")
        return self

    @classmethod
    def from_context(cls, data: dict) -> Caller:
        roles = data.get("roles") or []
        if isinstance(roles, str):
            roles = [roles]
        request_id = data.get("request_id")
        return cls(user_id=data.get("user_id") or None, roles=frozenset(roles),
                   request_id=request_id, command_id=data.get("command_id") or request_id)
