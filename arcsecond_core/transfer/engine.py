"""The transfer engine of both directions: every file on a few threads, each retried with backoff.

One file failing never stops the others; when ``cancel`` is set the run stops within seconds and
the files not finished are ``cancelled``. The direction supplies ``attempt(item, number)``: one
try at one file, returning its Outcome or raising TryAgain.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from arcsecond_core import retrying
from arcsecond_core.parallel import run_parallel
from arcsecond_core.retrying import Backoff

from .outcome import CANCELLED, FAILED, Outcome, Progress, TryAgain, message

ItemT = TypeVar("ItemT")
Attempt = Callable[[ItemT, int], Outcome]


def run_all(
    items: Sequence[Any],
    attempt: Attempt[Any],
    *,
    jobs: int,
    policy: Backoff,
    progress: Progress,
    cancel: threading.Event,
) -> list[Outcome]:
    """``attempt`` every item (retried as ``policy`` says) on ``jobs`` threads; one outcome each,
    in order."""
    return run_each(items, lambda item: transfer_one(item, attempt, policy, progress, cancel),
                    jobs=jobs, progress=progress, cancel=cancel)


def run_each(
    items: Sequence[Any],
    send: Callable[[Any], Outcome],
    *,
    jobs: int,
    progress: Progress,
    cancel: threading.Event,
) -> list[Outcome]:
    """``send`` every item (its own retries included) on ``jobs`` threads; one outcome each, in
    order, the items not finished when ``cancel`` is set being ``cancelled``."""
    run = run_parallel(
        items, send, jobs=jobs, cancel=cancel,
        on_error=lambda item, exc: Outcome(item.relative, item.remote_name, FAILED,
                                           error=message(exc)),
        on_result=lambda _item, outcome: progress.finished(outcome),
    )
    return [run.results.get(index) or Outcome(item.relative, item.remote_name, CANCELLED)
            for index, item in enumerate(items)]


def transfer_one(item: Any, attempt: Attempt[Any], policy: Backoff, progress: Progress,
                 cancel: threading.Event) -> Outcome:
    """One file, tried again on TryAgain with backoff; never raises for a server answer."""
    started = time.monotonic()
    outcome = _with_retries(item, attempt, policy, progress, cancel)
    outcome.seconds = time.monotonic() - started
    return outcome


def _with_retries(item: Any, attempt: Attempt[Any], policy: Backoff, progress: Progress,
                  cancel: threading.Event) -> Outcome:
    if cancel.is_set():
        return Outcome(item.relative, item.remote_name, CANCELLED)
    progress.started(item)
    tries = [0]

    def one() -> Outcome:
        tries[0] += 1
        return attempt(item, tries[0])

    def announce(number: int, error: BaseException, delay: float) -> None:
        progress.retrying(item, number, message(error), delay)

    try:
        return retrying.call(one, policy, lambda exc: isinstance(exc, TryAgain), cancel=cancel,
                             before_sleep=announce)
    except retrying.Cancelled:
        return Outcome(item.relative, item.remote_name, CANCELLED, attempts=tries[0])
    except TryAgain as exc:
        return Outcome(item.relative, item.remote_name, FAILED, attempts=tries[0],
                       error=f"gave up after {tries[0]} attempts: {exc}", retryable=True)
