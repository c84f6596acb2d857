"""The pieces that make long work stoppable: signals as an event, the retry helper, the run loop."""

from __future__ import annotations

import os
import signal
import threading
import time

import pytest

from arcsecond_core import errors, retrying
from arcsecond_core.interrupts import Interrupted, Interrupts
from arcsecond_core.parallel import run_parallel
from arcsecond_core.retrying import Backoff

FAST = Backoff(attempts=4, base=0.001, cap=0.01)


class Flaky:
    """An action that raises ``failures`` one per call, then returns ``"done"``."""

    def __init__(self, failures: list[BaseException]) -> None:
        self.failures = failures
        self.calls = 0

    def __call__(self) -> str:
        self.calls += 1
        if self.failures:
            raise self.failures.pop(0)
        return "done"


def is_server_error(exc: BaseException) -> bool:
    return isinstance(exc, errors.ServerError)


def test_retrying_tries_again_until_it_works_and_says_so_before_each_wait() -> None:
    action = Flaky([errors.ServerError("a"), errors.ServerError("b")])
    waits: list[tuple[int, str]] = []
    result = retrying.call(action, FAST, is_server_error,
                           before_sleep=lambda n, exc, _delay: waits.append((n, str(exc))))
    assert result == "done" and action.calls == 3
    assert waits == [(1, "a"), (2, "b")]


def test_retrying_gives_up_with_the_last_error_and_never_retries_others() -> None:
    action = Flaky([errors.ServerError(str(n)) for n in range(10)])
    with pytest.raises(errors.ServerError, match=r"^3$"):
        retrying.call(action, FAST, is_server_error)
    assert action.calls == 4
    other = Flaky([errors.NotFound("gone")])
    with pytest.raises(errors.NotFound):
        retrying.call(other, FAST, is_server_error)
    assert other.calls == 1


def test_a_cancel_ends_the_wait_between_attempts_at_once() -> None:
    cancel = threading.Event()
    threading.Timer(0.2, cancel.set).start()
    started = time.monotonic()
    with pytest.raises(retrying.Cancelled):
        retrying.call(Flaky([errors.ServerError("x")]), Backoff(3, 60, 60), is_server_error,
                      cancel=cancel)
    assert time.monotonic() - started < 3


def test_backoff_grows_to_its_cap_with_jitter() -> None:
    backoff = Backoff(None, base=1.0, cap=8.0)
    assert 0.5 <= backoff.delay(1) <= 1.0
    assert 2.0 <= backoff.delay(3) <= 4.0
    assert 4.0 <= backoff.delay(50) <= 8.0


@pytest.mark.parametrize(("sig", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_a_signal_only_sets_the_event_and_the_handlers_come_back(sig: int, code: int) -> None:
    before = signal.getsignal(sig)
    with Interrupts() as interrupts:
        os.kill(os.getpid(), sig)
        assert interrupts.cancel.wait(5)
        assert interrupts.fired and interrupts.exit_code == code
        with pytest.raises(Interrupted) as caught:
            interrupts.check("stopped")
        assert caught.value.exit_code == code
    assert signal.getsignal(sig) is before


def test_wait_for_gives_up_on_slow_work_when_a_signal_comes() -> None:
    release = threading.Event()
    with Interrupts() as interrupts:
        threading.Timer(0.2, os.kill, (os.getpid(), signal.SIGINT)).start()
        started = time.monotonic()
        with pytest.raises(Interrupted, match="nothing was sent"):
            interrupts.wait_for(lambda: release.wait(30), "interrupted: nothing was sent")
        assert time.monotonic() - started < 3
    release.set()
    with Interrupts() as interrupts:
        assert interrupts.wait_for(lambda: 42) == 42
        with pytest.raises(ZeroDivisionError):
            interrupts.wait_for(lambda: 1 / 0)


def test_the_run_loop_returns_every_result_in_order_and_turns_errors_into_results() -> None:
    def work(n: int) -> str:
        if n == 3:
            raise ValueError("three")
        time.sleep(0.01 * (n % 3))
        return f"ok {n}"

    seen: list[int] = []
    run = run_parallel(list(range(8)), work, jobs=3, cancel=threading.Event(),
                       on_error=lambda n, exc: f"failed {n}: {exc}",
                       on_result=lambda n, _result: seen.append(n))
    assert not run.cancelled
    assert [run.results[i] for i in range(8)] == [
        "ok 0", "ok 1", "ok 2", "failed 3: three", "ok 4", "ok 5", "ok 6", "ok 7"]
    assert sorted(seen) == list(range(8))


def test_a_cancelled_run_starts_nothing_new_and_leaves_deaf_work_behind() -> None:
    cancel = threading.Event()
    started: list[int] = []
    deaf = threading.Event()

    def work(n: int) -> int:
        started.append(n)
        if n == 0:
            deaf.wait(30)  # never looks at the cancel event
        else:
            cancel.wait(30)
        return n

    threading.Timer(0.2, cancel.set).start()
    began = time.monotonic()
    run = run_parallel(list(range(10)), work, jobs=2, cancel=cancel,
                       on_error=lambda _n, exc: -1, grace=1.0)
    assert time.monotonic() - began < 3
    deaf.set()
    assert run.cancelled and sorted(started) == [0, 1]
    assert run.results == {1: 1}
