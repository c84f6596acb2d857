"""Faults on the wire, against real loopback servers: what is retried, what is not, and when
the session gives up (a deadline per request, retries included)."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest

from arcsecond_core import errors
from arcsecond_core.session import ArcsecondSession

from .scripted_server import Answer, Seen, scripted_server, silent_server

PAGE = {"count": 1, "next": None, "previous": None, "results": [{"uuid": "u1", "name": "M31"}]}


def failing_then(first: list[Answer], then: Answer) -> Callable[[Seen], Answer]:
    answers = iter(first)
    return lambda _request: next(answers, then)


@pytest.mark.parametrize("fault", [Answer(500, {"detail": "boom"}), Answer(502), Answer(503),
                                   Answer(504), Answer(429), Answer(drop=True)],
                         ids=["500", "502", "503", "504", "429", "dropped"])
def test_a_read_is_retried_on_server_errors_and_dropped_connections(fault: Answer) -> None:
    with scripted_server(failing_then([fault, fault], Answer(200, PAGE))) as server:
        session = ArcsecondSession(server.url, key="k", backoff_factor=0.01)
        assert [item["name"] for item in session.paginate("datasets")] == ["M31"]
    assert len(server.seen) == 3


@pytest.mark.parametrize("status", [500, 502, 504])
def test_a_post_is_not_sent_twice_when_it_may_have_been_processed(status: int) -> None:
    with scripted_server(failing_then([Answer(status)], Answer(201, {"uuid": "x"}))) as server:
        session = ArcsecondSession(server.url, key="k", backoff_factor=0.01)
        with pytest.raises(errors.ServerError):
            session.post("datasets", json={"name": "a"})
    assert len(server.seen) == 1


def test_a_delete_whose_answer_was_lost_is_done_when_its_retry_finds_nothing() -> None:
    existing = {"/datasets/u1/"}

    def respond(request: Seen) -> Answer:
        if request.path in existing:
            existing.discard(request.path)
            return Answer(drop=True)  # deleted, but the answer never arrives
        return Answer(404, {"detail": "Not found."})

    with scripted_server(respond) as server:
        session = ArcsecondSession(server.url, key="k", backoff_factor=0.01)
        session.delete("datasets/u1")
        assert [r.method for r in server.seen] == ["DELETE", "DELETE"]
        with pytest.raises(errors.NotFound):  # a first answer of 404 is still an error
            session.delete("datasets/u2")


def test_a_silent_server_fails_a_read_within_the_deadline_retries_included() -> None:
    with silent_server() as url:
        session = ArcsecondSession(url, key="k", timeout=1.5, retries=8, backoff_factor=0.01)
        started = time.monotonic()
        with pytest.raises(errors.TimedOut, match=r"did not answer within 1.5 s"):
            session.get("datasets")
        assert time.monotonic() - started < 4


def test_backoff_and_retry_after_never_go_past_the_deadline() -> None:
    busy = Answer(503, {"detail": "busy"}, {"Retry-After": "30"})
    with scripted_server(lambda _r: busy) as server:
        session = ArcsecondSession(server.url, key="k", timeout=1.0, retries=8)
        started = time.monotonic()
        with pytest.raises(errors.HTTPError):
            session.get("datasets")
        assert time.monotonic() - started < 3


def test_the_timeout_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ARCSECOND_TIMEOUT", "7.5")
    assert ArcsecondSession("http://127.0.0.1:9").timeout == 7.5
    assert ArcsecondSession("http://127.0.0.1:9", timeout=3).timeout == 3
    monkeypatch.setenv("ARCSECOND_TIMEOUT", "soon")
    with pytest.raises(errors.UsageError, match="ARCSECOND_TIMEOUT"):
        ArcsecondSession("http://127.0.0.1:9")


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ([1, 2], "expected a list of objects, found the number 1"),
        ({"results": 5}, "expected a list of objects, got the number 5"),
        ({"count": "x", "next": None, "results": []}, "'count' should be a whole number"),
        ({"count": 1, "next": 3, "results": [{}]}, "'next' should be a URL or null"),
        (7, "expected an object, got the number 7"),
        ({"detail": "hello"}, "a list page without 'results'"),
    ],
)
def test_a_list_of_the_wrong_shape_is_an_unexpected_answer(body: object, problem: str) -> None:
    with scripted_server(lambda _r: Answer(200, body)) as server:
        session = ArcsecondSession(server.url, key="k")
        with pytest.raises(errors.UnexpectedAnswer) as caught:
            list(session.paginate("datasets"))
    assert str(caught.value).startswith(f"unexpected answer from {server.url}: GET ")
    assert problem in str(caught.value)
