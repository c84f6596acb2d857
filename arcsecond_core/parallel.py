"""Run one piece of work per item on a few threads, stoppable at any moment, never hanging.

Direction-agnostic: an upload sends a file per item, a download fetches one. The work does its
own retries (see :mod:`arcsecond_core.retrying`) and turns what happens into a result; this
module hands items to ``jobs`` worker threads and collects the results as they come.

When ``cancel`` is set, no new item is started, the items in flight get ``grace`` seconds to
notice (the work checks the same event) and the results that came back are returned. A worker
still busy after that (a request waiting for an answer) is a daemon thread: it is left to end on
its own timeout and cannot keep the process alive. The waiting thread only ever waits with a
timeout, so it gets back to look at the cancel event whatever the workers do.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")
POLL_SECONDS = 0.1
GRACE_SECONDS = 5.0


@dataclass
class RunResults(Generic[Result]):
    """The results of the items that finished, by position in the list given; ``cancelled``
    when the run stopped early."""

    results: dict[int, Result] = field(default_factory=dict)
    cancelled: bool = False


def run_parallel(
    items: Sequence[Item],
    work: Callable[[Item], Result],
    *,
    jobs: int,
    cancel: threading.Event,
    on_error: Callable[[Item, Exception], Result],
    on_result: Callable[[Item, Result], None] | None = None,
    grace: float = GRACE_SECONDS,
) -> RunResults[Result]:
    """``work(item)`` for every item on ``jobs`` threads; ``on_error`` turns an exception a
    piece of work let out into its result, ``on_result`` is called (in this thread) for each."""
    todo: queue.SimpleQueue[tuple[int, Item]] = queue.SimpleQueue()
    for index, item in enumerate(items):
        todo.put((index, item))
    done: queue.SimpleQueue[tuple[int, Result]] = queue.SimpleQueue()

    def worker() -> None:
        while not cancel.is_set():
            try:
                index, item = todo.get_nowait()
            except queue.Empty:
                return
            try:
                result = work(item)
            except Exception as exc:  # one item's failure must not stop the others
                result = on_error(item, exc)
            done.put((index, result))

    for number in range(max(1, min(jobs, len(items)))):
        threading.Thread(target=worker, name=f"worker-{number}", daemon=True).start()

    run: RunResults[Result] = RunResults()

    def collect(timeout: float) -> bool:
        try:
            index, result = done.get(timeout=timeout)
        except queue.Empty:
            return False
        run.results[index] = result
        if on_result is not None:
            on_result(items[index], result)
        return True

    while len(run.results) < len(items) and not cancel.is_set():
        collect(POLL_SECONDS)
    if len(run.results) < len(items):
        run.cancelled = True
        # Items still queued are never started; the ones in flight come back soon, or not at all.
        in_flight = len(items) - len(run.results) - _drain(todo)
        give_up = time.monotonic() + grace
        while in_flight > 0 and time.monotonic() < give_up:
            if collect(POLL_SECONDS):
                in_flight -= 1
    return run


def _drain(todo: queue.SimpleQueue[tuple[int, Item]]) -> int:
    count = 0
    while True:
        try:
            todo.get_nowait()
        except queue.Empty:
            return count
        count += 1
