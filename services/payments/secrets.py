"""Shops' provider secrets at rest: encrypted with the service's key (Fernet: AES-128-CBC with an
HMAC-SHA256 tag), decrypted only to call or verify the provider. A secret never leaves the service:
no response, log line or event carries it."""

from __future__ import annotations

from cryptography.fernet import Fernet, InvalidToken


class SecretBox:
    def __init__(self, key: str):
        self._fernet = Fernet(key.encode())

    def seal(self, secret: str) -> str:
        return self._fernet.encrypt(secret.encode()).decode()

    def open(self, sealed: str) -> str:
        try:
            return self._fernet.decrypt(sealed.encode()).decode()
        except InvalidToken:
            raise RuntimeError("a stored secret does not open with PAYMENTS_ENCRYPTION_KEY "
                               "(was the key changed?)") from None

    def __repr__(self) -> str:
        return "SecretBox(<key>)"
