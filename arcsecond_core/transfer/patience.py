"""Patience for the reads and checks around a transfer (transfer/run.py retries the files)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import TypeVar

from arcsecond_core import errors, retrying
from arcsecond_core.retrying import Backoff

from .outcome import TRANSIENT

LOG = logging.getLogger("arcsecond.transfer")
T = TypeVar("T")


def patiently(call: Callable[[], T], *, posts: bool = False, attempts: int = 8,
              cancel: threading.Event | None = None, log: logging.Logger | None = None) -> T:
    """``call()``, tried again with backoff on 5xx and 429, and on connection errors when it
    sends POSTs (the session already retries idempotent requests). A request that used up its
    time (``--timeout``) is not tried again."""

    def transient(exc: BaseException) -> bool:
        if isinstance(exc, errors.TimedOut):
            return False
        if isinstance(exc, errors.ConnectionFailed):
            return posts
        return isinstance(exc, TRANSIENT)

    def warn(_attempt: int, exc: BaseException, delay: float) -> None:
        (log or LOG).warning("%s; trying again in %.1f s", exc, delay)

    return retrying.call(call, Backoff(attempts, 0.5, 30.0), transient, cancel=cancel,
                         before_sleep=warn)
