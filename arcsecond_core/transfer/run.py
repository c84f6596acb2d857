"""The one way both directions move their files: every file on a few threads, each retried.

``arcsecond upload`` and ``arcsecond download`` hand :func:`transfer_all_with_retries` their
items and ``attempt(item, number)``, one try at one file that returns its Outcome or raises
TryAgain. Here each item gets its attempts, with backoff, up to the policy's limit
(:mod:`arcsecond_core.retrying`), on ``jobs`` threads (:func:`arcsecond_core.parallel.run_parallel`).
One file failing never stops the others; when ``cancel`` is set the run stops within seconds and
the files not finished are ``cancelled``.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from typing import TypeVar

from arcsecond_core import retrying
from arcsecond_core.parallel import run_parallel
from arcsecond_core.retrying import Backoff

from .outcome import CANCELLED, FAILED, Item, Outcome, Progress, TryAgain, message

ItemT = TypeVar("ItemT", bound=Item)
#: One try at one file (its number counts from 1): its Outcome, or TryAgain.
Attempt = Callable[[ItemT, int], Outcome]
#: One file's retried attempts, as ``around`` is given them.
Retried = Callable[[], Outcome]


def transfer_all_with_retries(
    items: Sequence[ItemT],
    attempt: Attempt[ItemT],
    *,
    jobs: int,
    policy: Backoff,
    progress: Progress,
    cancel: threading.Event,
    around: Callable[[ItemT, Retried], Outcome] | None = None,
) -> list[Outcome]:
    """``attempt`` every item, tried again on TryAgain as ``policy`` says, on ``jobs`` threads;
    one outcome each, in order, the items not finished when ``cancel`` is set being
    ``cancelled``.

    ``around(item, retried)``, when given, is what runs for each item instead of ``retried()``
    (its attempts): the steps a direction takes before or after them (an upload's ``--replace``
    deletes the server's copy, then sends again).
    """
    def one(item: ItemT) -> Outcome:
        def retried() -> Outcome:
            return _with_retries(item, attempt, policy, progress, cancel)

        return retried() if around is None else around(item, retried)

    run = run_parallel(
        items, one, jobs=jobs, cancel=cancel,
        on_error=lambda item, exc: Outcome(item.relative, item.remote_name, FAILED,
                                           error=message(exc)),
        on_result=lambda _item, outcome: progress.finished(outcome),
    )
    return [run.results.get(index) or Outcome(item.relative, item.remote_name, CANCELLED)
            for index, item in enumerate(items)]


def _with_retries(item: ItemT, attempt: Attempt[ItemT], policy: Backoff, progress: Progress,
                  cancel: threading.Event) -> Outcome:
    """One file, tried again on TryAgain with backoff; never raises for a server answer."""
    started = time.monotonic()
    outcome = _attempts(item, attempt, policy, progress, cancel)
    outcome.seconds = time.monotonic() - started
    return outcome


def _attempts(item: ItemT, attempt: Attempt[ItemT], policy: Backoff, progress: Progress,
              cancel: threading.Event) -> Outcome:
    if cancel.is_set():
        return Outcome(item.relative, item.remote_name, CANCELLED)
    progress.started(item)
    tries = 0

    def one() -> Outcome:
        nonlocal tries
        tries += 1
        return attempt(item, tries)

    def announce(number: int, error: BaseException, delay: float) -> None:
        progress.retrying(item, number, message(error), delay)

    try:
        return retrying.call(one, policy, lambda exc: isinstance(exc, TryAgain), cancel=cancel,
                             before_sleep=announce)
    except retrying.Cancelled:
        return Outcome(item.relative, item.remote_name, CANCELLED, attempts=tries)
    except TryAgain as exc:
        return Outcome(item.relative, item.remote_name, FAILED, attempts=tries,
                       error=f"gave up after {tries} attempts: {exc}", retryable=True)
