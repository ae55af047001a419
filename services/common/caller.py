"""Who is calling: the identity the gateway authenticated, passed with every RPC as context data.

The gateway sends `user_id`, `roles` and `request_id` (Nameko carries them as `nameko.<key>` AMQP
headers); services enforce ownership with them. A call with no user is anonymous.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from nameko.extensions import DependencyProvider

from .errors import Forbidden


@dataclass(frozen=True)
class Caller:
    user_id: str | None = None
    roles: frozenset[str] = field(default_factory=frozenset)
    request_id: str | None = None

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
        return cls(user_id=data.get("user_id") or None, roles=frozenset(roles),
                   request_id=data.get("request_id"))


class CallerProvider(DependencyProvider):
    """Nameko dependency: `self.caller` is the `Caller` of the current worker."""

    def get_dependency(self, worker_ctx):
        return Caller.from_context(worker_ctx.context_data)
