"""What a service call can fail with, as the gateway sees it."""

from __future__ import annotations

from typing import Any

from services.common.errors import ERROR_KINDS


class ServiceUnavailable(Exception):
    """The broker or the service did not answer (down, not consuming, or too slow)."""

    def __init__(self, service: str, reason: str):
        super().__init__(f"{service}: {reason}")
        self.service = service
        self.reason = reason


class RemoteError(Exception):
    """A service answered with an error: Nameko's serialised exception."""

    def __init__(self, service: str, exc_type: str, exc_args: list[Any], value: str, exc_path=None):
        super().__init__(f"{service}: {exc_type}: {value}")
        self.service = service
        self.exc_type = exc_type
        self.exc_args = list(exc_args or [])
        self.value = value
        self.exc_path = exc_path

    @property
    def kind(self) -> str | None:
        """`not_found`, `forbidden`, `invalid`, `conflict` for the kernel's typed errors, else None."""
        return ERROR_KINDS.get(self.exc_type)

    @property
    def detail(self) -> str:
        return str(self.exc_args[0]) if self.exc_args else self.value

    @property
    def code(self) -> str | None:
        return self.exc_args[1] if len(self.exc_args) > 1 else None

    @property
    def errors(self) -> dict[str, Any]:
        errors = self.exc_args[2] if len(self.exc_args) > 2 else None
        return errors if isinstance(errors, dict) else {}
