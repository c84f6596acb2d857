"""Trying again: one backoff policy for every loop that retries above the HTTP session.

The session (urllib3's ``Retry``) retries single requests. Work made of several requests, or
of a request whose body is a file the caller must reopen (an upload), is retried here, with
tenacity: a bounded number of attempts, exponential backoff with jitter, and a cancel event
that ends the wait between two attempts at once (Ctrl-C, SIGTERM, a watch being stopped).
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from arcsecond_core import errors

T = TypeVar("T")
#: Called before each wait: (attempt that failed, its exception, seconds until the next one).
BeforeSleep = Callable[[int, BaseException, float], None]


class Cancelled(errors.ArcsecondError):
    """Stopped on request while waiting to try again."""


@dataclass(frozen=True)
class Backoff:
    """``base * 2**(n-1)`` seconds after the n-th failed attempt, at most ``cap``, with jitter
    (a random factor between 0.5 and 1); ``attempts`` None tries for ever."""

    attempts: int | None = 10
    base: float = 0.5
    cap: float = 60.0

    def delay(self, failed: int) -> float:
        """Seconds to wait after ``failed`` attempts failed."""
        exponent = min(max(failed - 1, 0), 62)
        return min(self.cap, self.base * 2**exponent) * random.uniform(0.5, 1.0)


def retrying(
    backoff: Backoff,
    retry_if: Callable[[BaseException], bool],
    *,
    cancel: threading.Event | None = None,
    before_sleep: BeforeSleep | None = None,
) -> Any:
    """A ``tenacity.Retrying`` for ``backoff``: the last exception is re-raised when attempts run
    out or ``retry_if`` says no; Cancelled when ``cancel`` is set during a wait."""
    import tenacity

    def sleep(seconds: float) -> None:
        if cancel is None:
            time.sleep(seconds)
        elif cancel.wait(seconds):
            raise Cancelled("cancelled while waiting to try again")

    def announce(state: tenacity.RetryCallState) -> None:
        if before_sleep is not None and state.outcome is not None and state.next_action:
            error = state.outcome.exception()
            if error is not None:
                before_sleep(state.attempt_number, error, state.next_action.sleep)

    stop: Any = tenacity.stop_never
    if backoff.attempts is not None:
        stop = tenacity.stop_after_attempt(backoff.attempts)
    return tenacity.Retrying(
        stop=stop,
        wait=lambda state: backoff.delay(state.attempt_number),
        retry=tenacity.retry_if_exception(retry_if),
        sleep=sleep,
        before_sleep=announce,
        reraise=True,
    )


def call(
    action: Callable[[], T],
    backoff: Backoff,
    retry_if: Callable[[BaseException], bool],
    *,
    cancel: threading.Event | None = None,
    before_sleep: BeforeSleep | None = None,
) -> T:
    """``action()``, tried again as :func:`retrying` says."""
    result: T = retrying(backoff, retry_if, cancel=cancel, before_sleep=before_sleep)(action)
    return result
