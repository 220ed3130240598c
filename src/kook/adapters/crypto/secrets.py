from __future__ import annotations

import hashlib
import hmac
import secrets

from kook.application.identity.ports import CodeGenerator, SecretHasher


class HmacSecretHasher(SecretHasher):
    """HMAC-SHA256 under the server's secret key: a leaked table reveals no code."""

    def __init__(self, key: bytes) -> None:
        if len(key) < 16:
            raise ValueError("secret key too short")
        self._key = key

    def digest(self, value: str) -> str:
        return hmac.new(self._key, value.encode(), hashlib.sha256).hexdigest()

    def matches(self, digest: str, value: str) -> bool:
        return hmac.compare_digest(digest, self.digest(value))


class SecureCodeGenerator(CodeGenerator):
    def new_code(self) -> str:
        return f"{secrets.randbelow(1_000_000):06d}"

    def new_secret(self) -> str:
        return secrets.token_urlsafe(32)
