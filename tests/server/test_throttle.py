"""The throttle's rules, in process, on a clock of the test's own."""

from __future__ import annotations

import threading

import pytest
from arcsecond_plugins.server.rest import ApiError
from arcsecond_plugins.server.throttle import (
    Policy,
    Settings,
    Throttle,
    address_key,
    keys_for,
    settings_from_env,
    throttled,
    username_key,
)

from arcsecond_core.errors import UsageError


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def throttle(free: int = 3, forgive: float = 3600.0, **extra) -> tuple[Throttle, Clock]:
    clock = Clock()
    policy = Policy(free=free, forgive_every=forgive, first_wait=1.0, max_wait=8.0)
    return Throttle(Settings(username=policy, address=Policy(free=10, forgive_every=forgive),
                             **extra), clock), clock


def fail(t: Throttle, keys) -> float:
    """One failed check if allowed (0), else the wait asked."""
    wait = t.begin(keys)
    if wait == 0:
        t.end(keys, succeeded=False)
    return wait


def test_waits_start_after_the_free_failures_and_double_up_to_the_longest():
    t, clock = throttle()
    keys = keys_for("10.0.0.1", "ada")
    assert [fail(t, keys) for _ in range(3)] == [0, 0, 0]
    waits = []
    for _ in range(6):
        waits.append(t.begin(keys))  # asked at once: refused, the whole wait left
        assert fail(t, keys) == waits[-1]  # and asking again does not lengthen it
        clock.now += waits[-1]
        assert fail(t, keys) == 0  # once it is over, one more check (a failure)
    assert waits == [1, 2, 4, 8, 8, 8]


def test_a_success_after_the_wait_clears_the_usernames_count_not_the_addresses():
    t, clock = throttle()
    keys = keys_for("10.0.0.1", "ada")
    for _ in range(3):
        fail(t, keys)
    assert t.begin(keys) == 1
    clock.now += 1
    assert t.begin(keys) == 0
    t.end(keys, succeeded=True)
    assert t.begin(keys_for("10.0.0.2", "ada")) == 0  # ada's count is cleared
    t.end(keys_for("10.0.0.2", "ada"), succeeded=True)
    assert [fail(t, keys) for _ in range(3)] == [0, 0, 0]


def test_an_unknown_username_counts_like_any_other():
    t, _clock = throttle()
    for name in ("ada", "nobody-by-this-name"):
        keys = keys_for(f"10.0.0.{len(name)}", name)
        assert [fail(t, keys) for _ in range(4)] == [0, 0, 0, 1]


def test_the_address_is_throttled_across_usernames():
    t, _clock = throttle()
    waits = [fail(t, keys_for("10.0.0.9", f"user{i}")) for i in range(12)]
    assert waits[:10] == [0] * 10 and waits[10] == 1


def test_ipv6_clients_are_counted_by_their_64():
    assert address_key("2001:db8::1") == address_key("2001:db8::ffff:1234")
    assert address_key("2001:db8::1") != address_key("2001:db8:0:1::1")
    assert address_key("127.0.0.1") != address_key("127.0.0.2")


def test_failures_are_forgiven_one_at_a_time():
    t, clock = throttle(forgive=60.0)
    keys = keys_for("10.0.0.1", "ada")
    for _ in range(3):
        fail(t, keys)
    clock.now += 60  # one forgiven: two standing, one free failure left
    assert fail(t, keys) == 0
    assert t.begin(keys) == 1


def test_parallel_checks_cannot_share_one_window():
    t, _clock = throttle()
    keys = keys_for("10.0.0.1", "ada")
    started = [t.begin(keys) for _ in range(6)]  # six checks at once, none finished
    assert started.count(0) == 3  # no more than the free failures can be in flight


def test_memory_is_bounded_whatever_the_usernames():
    t, _clock = throttle(max_entries=100)
    for i in range(1000):
        fail(t, [username_key(f"user{i}" + "x" * 1000)])
    assert t.remembered() <= 101  # one table full, the other with the few addresses


def test_threads_share_one_count():
    t, _clock = throttle(free=10_000)
    keys = [username_key("ada")]

    def hammer() -> None:
        for _ in range(200):
            assert fail(t, keys) == 0

    workers = [threading.Thread(target=hammer) for _ in range(8)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(30)
    counts = t._counts["username"]
    assert sum(count.failures for count in counts.values()) == 1600
    assert all(count.in_flight == 0 for count in counts.values())


def test_a_throttled_answer_is_drfs():
    error = throttled(1.2)
    assert error.status == 429 and error.headers == {"Retry-After": "2"}
    assert error.body == {"detail": "Request was throttled. Expected available in 2 seconds."}
    assert throttled(0.3).body["detail"].endswith("in 1 second.")


def test_the_context_manager_counts_exceptions_as_failures():
    t, _clock = throttle(free=1)
    keys = keys_for("10.0.0.1", "ada")
    with pytest.raises(ApiError) as raised, t.check(keys):
        raise ApiError(400, {"detail": "no"})
    assert raised.value.status == 400
    with pytest.raises(ApiError) as raised, t.check(keys):
        pass
    assert raised.value.status == 429


def test_settings_from_the_environment():
    settings = settings_from_env("username=2, address=4,wait=0.5,max=3,forgive=10")
    assert settings.username == Policy(2, 10.0, 0.5, 3.0)
    assert settings.address == Policy(4, 10.0, 0.5, 3.0)
    assert settings_from_env("") == Settings()
    for bad in ("username", "wait=-1", "max=inf", "speed=3", "forgive=0", "address=x"):
        with pytest.raises(UsageError):
            settings_from_env(bad)
