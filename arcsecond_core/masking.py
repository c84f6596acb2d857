"""Keep keys out of output and logs: masking helpers and a logging filter."""

from __future__ import annotations

import logging
import threading

VISIBLE_CHARACTERS = 3
MASK = "*" * 8


def mask(key: str | None) -> str:
    """All but the first three characters of ``key`` hidden, with a fixed-length mask."""
    if not key:
        return ""
    return key[:VISIBLE_CHARACTERS] + MASK


class SecretsFilter(logging.Filter):
    """A logging filter that replaces every registered secret in a record's message."""

    def __init__(self) -> None:
        super().__init__()
        self._secrets: set[str] = set()
        self._lock = threading.Lock()

    def register(self, secret: str | None) -> None:
        if secret and len(secret) > VISIBLE_CHARACTERS:
            with self._lock:
                self._secrets.add(secret)

    def filter(self, record: logging.LogRecord) -> bool:
        if not self._secrets:
            return True
        message = record.getMessage()
        masked = message
        for secret in self._secrets:
            masked = masked.replace(secret, mask(secret))
        if masked != message:
            record.msg, record.args = masked, None
        return True


secrets_filter = SecretsFilter()


def install(handler: logging.Handler) -> None:
    """Mask registered secrets in everything ``handler`` emits."""
    if secrets_filter not in handler.filters:
        handler.addFilter(secrets_filter)
