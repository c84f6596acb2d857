"""Ctrl-C and SIGTERM as a cancel event: long work stops cleanly, and nothing can hang.

Python's own SIGINT handler raises KeyboardInterrupt wherever the main thread happens to be,
including inside code that holds a lock (``concurrent.futures.wait`` does), which can then never
be released. Here the handlers only note the signal; the work checks a ``threading.Event`` and
the main thread only ever waits with a timeout, so it always gets back to look.

The handler does not set the event itself: ``Event.set`` takes the event's lock, which the main
thread may hold at that very moment (inside ``Event.wait``), and that lock is not reentrant. It
puts the signal number on a ``queue.SimpleQueue`` (whose ``put`` is reentrant by design), and a
small relay thread sets the event.
"""

from __future__ import annotations

import queue
import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from arcsecond_core.errors import Interrupted

__all__ = ["Interrupted", "Interrupts"]
T = TypeVar("T")
#: Exit codes of a command stopped by a signal: 128 + the signal's number, as shells report.
EXIT_CODES = {signal.SIGINT: 130, signal.SIGTERM: 143}
POLL_SECONDS = 0.1
_STOP_RELAY = -1


class Interrupts:
    """While active (``with``, or from :meth:`install` to :meth:`restore`), SIGINT and SIGTERM set
    ``cancel``; ``signum`` says which came first.

    Handlers are installed only in the main thread; elsewhere ``cancel`` is set by whoever owns it.
    """

    def __init__(
        self,
        cancel: threading.Event | None = None,
        signals: tuple[int, ...] = (signal.SIGINT, signal.SIGTERM),
    ) -> None:
        self.cancel = cancel or threading.Event()
        self.signals = signals
        self.signum: int | None = None
        self._notes: queue.SimpleQueue[int] = queue.SimpleQueue()
        self._previous: dict[int, Any] = {}
        self._relay: threading.Thread | None = None

    @property
    def fired(self) -> bool:
        return self.signum is not None

    @property
    def exit_code(self) -> int:
        return EXIT_CODES.get(signal.Signals(self.signum), 130) if self.signum else 130

    def _note(self, signum: int, _frame: Any) -> None:
        if self.signum is None:
            self.signum = signum
        self._notes.put(signum)

    def _relay_notes(self) -> None:
        while self._notes.get() != _STOP_RELAY:
            self.cancel.set()

    def __enter__(self) -> Interrupts:
        return self.install()

    def install(self) -> Interrupts:
        """Install the handlers (in the main thread) until :meth:`restore`; ``with`` does both."""
        if threading.current_thread() is not threading.main_thread():
            return self
        self._relay = threading.Thread(target=self._relay_notes, name="signals", daemon=True)
        self._relay.start()
        for signum in self.signals:
            self._previous[signum] = signal.signal(signum, self._note)
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.restore()

    def restore(self) -> None:
        """Put the previous handlers back and stop the relay (a signal already noted is kept)."""
        for signum, handler in self._previous.items():
            signal.signal(signum, handler)
        self._previous.clear()
        if self._relay is not None:
            self._notes.put(_STOP_RELAY)
            self._relay.join(5)
            self._relay = None

    @contextmanager
    def paused(self) -> Iterator[None]:
        """The usual handlers for a while (a question on the terminal: Ctrl-C must end it)."""
        active = bool(self._previous)
        if active:
            self.restore()
        try:
            yield
        finally:
            if active:
                self.install()

    def check(self, what: str = "interrupted") -> None:
        """Raise Interrupted (with the signal's exit code) if a signal arrived."""
        if self.fired or self.cancel.is_set():
            raise Interrupted(what, self.exit_code)

    def wait_for(self, action: Callable[[], T], what: str = "interrupted") -> T:
        """``action()`` run in a helper thread while this one waits, ready to give up on a signal.

        For work that reads (scans, listings, header parsing): when interrupted it is left to
        finish on its own in a daemon thread, and Interrupted is raised at once.
        """
        done = threading.Event()
        box: dict[str, Any] = {}

        def work() -> None:
            try:
                box["result"] = action()
            except BaseException as exc:  # handed to the waiting thread
                box["error"] = exc
            finally:
                done.set()

        threading.Thread(target=work, name="work", daemon=True).start()
        while not done.wait(POLL_SECONDS):
            self.check(what)
        if "error" in box:
            raise box["error"]
        return box["result"]  # type: ignore[no-any-return]
