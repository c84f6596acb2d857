"""Throttled guessing: after a few failed credential checks, a wait that doubles with each failure.

Failures are counted per username (for passwords, a person's guessable secret) and per client
address (for every check: passwords and keys). Once a count reaches its free failures, the next
check for that username or from that address must wait ``first_wait`` seconds after the last
failure, twice as long after the next failure, and so on up to ``max_wait``. A check asked
during the wait is answered 429 at once (DRF's words, and ``Retry-After``), without looking at
the credentials, and does not lengthen the wait. One failure is forgiven every
``forgive_every`` seconds. A success clears its username's count, not its address's: a right
password of one's own must not buy more guesses at other accounts.

Safe for the engine's worker threads (one lock, nothing slow under it), never sleeping (a wait is
a 429), on a monotonic clock, and bounded: at most ``max_entries`` usernames (kept as SHA-256
digests) and as many addresses are remembered, the least recently failed forgotten first. Checks
in flight count too: once they could use up the free failures, a username or an address has one
check at a time, so that parallel requests cannot all get through in one window.
"""

from __future__ import annotations

import hashlib
import ipaddress
import math
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace

from arcsecond_core.errors import UsageError

from .rest import ApiError

ENV = "ARCSECOND_SERVER_THROTTLE"
Key = tuple[str, bytes]


@dataclass(frozen=True)
class Policy:
    """How many failures are free, the waits after them, and how fast failures are forgiven
    (seconds)."""

    free: int
    forgive_every: float
    first_wait: float = 1.0
    max_wait: float = 900.0

    def wait_after(self, failures: int) -> float:
        if failures < self.free:
            return 0.0
        return min(self.max_wait, self.first_wait * 2.0 ** min(failures - self.free, 64))

    def standing(self, count: _Count, now: float) -> int:
        """The failures still held against a count: one is forgiven every ``forgive_every``."""
        forgiven = int((now - count.last) // self.forgive_every) if count.failures else 0
        return max(0, count.failures - forgiven)


@dataclass(frozen=True)
class Settings:
    username: Policy = Policy(free=5, forgive_every=900.0)
    address: Policy = Policy(free=20, forgive_every=60.0)
    max_entries: int = 10_000


def settings_from_env(text: str | None = None) -> Settings:
    """Settings from ``$ARCSECOND_SERVER_THROTTLE``: ``username=N,address=N`` (free failures),
    ``wait=S,max=S`` (first and longest wait), ``forgive=S`` (one failure forgiven every S
    seconds), any of them, the others keeping their defaults; a UsageError for anything else."""
    text = os.environ.get(ENV, "") if text is None else text
    values: dict[str, float] = {}
    for item in filter(None, (part.strip() for part in text.split(","))):
        name, _, value = item.partition("=")
        try:
            number = float(value)
        except ValueError:
            number = -1.0
        if name not in NAMES or not 0 <= number < math.inf or (name == "forgive" and not number):
            raise UsageError(f"{ENV}: expected username=N,address=N,wait=S,max=S,forgive=S "
                             f"(numbers), not {item!r}")
        values[name] = number
    settings = Settings()
    policies = {}
    for kind in ("username", "address"):
        policy: Policy = getattr(settings, kind)
        policies[kind] = Policy(
            int(values.get(kind, policy.free)), values.get("forgive", policy.forgive_every),
            values.get("wait", policy.first_wait), values.get("max", policy.max_wait))
    return replace(settings, **policies)


NAMES = ("username", "address", "wait", "max", "forgive")


@dataclass
class _Count:
    failures: int = 0
    last: float = 0.0
    in_flight: int = 0


@dataclass
class Throttle:
    """The failure counts of one server process."""

    settings: Settings = field(default_factory=Settings)
    clock: Callable[[], float] = time.monotonic

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: dict[str, OrderedDict[bytes, _Count]] = {
            "username": OrderedDict(), "address": OrderedDict()}

    def _policy(self, kind: str) -> Policy:
        return self.settings.username if kind == "username" else self.settings.address

    def _count(self, key: Key, now: float) -> _Count:
        kind, name = key
        counts = self._counts[kind]
        count = counts.get(name)
        if count is None:
            count = counts[name] = _Count()
        if len(counts) > self.settings.max_entries:
            for other, held in counts.items():  # the least recently failed first
                if other != name and not held.in_flight:
                    del counts[other]
                    break
        return count

    def _wait(self, key: Key, count: _Count, now: float) -> float:
        policy = self._policy(key[0])
        left = count.last + policy.wait_after(count.failures) - now
        if left > 0:
            return left
        if count.in_flight and policy.standing(count, now) + count.in_flight >= policy.free:
            return 1.0  # the checks in flight may use up the free failures: one at a time
        return 0.0

    def begin(self, keys: list[Key]) -> float:
        """0 and a check counted as in flight, or the seconds to wait before one may be made."""
        with self._lock:
            now = self.clock()
            counts = [self._count(key, now) for key in keys]
            wait = max((self._wait(key, count, now) for key, count in zip(keys, counts, strict=True)),
                       default=0.0)
            if wait <= 0:
                for count in counts:
                    count.in_flight += 1
            return wait

    def end(self, keys: list[Key], succeeded: bool) -> None:
        """Record the outcome of a check ``begin`` allowed."""
        with self._lock:
            now = self.clock()
            for key in keys:
                count = self._count(key, now)
                count.in_flight = max(0, count.in_flight - 1)
                if succeeded and key[0] == "username":
                    count.failures = 0
                elif not succeeded:
                    count.failures = self._policy(key[0]).standing(count, now) + 1
                    count.last = now
                    self._counts[key[0]].move_to_end(key[1])

    @contextmanager
    def check(self, keys: list[Key]) -> Iterator[list[bool]]:
        """Guard one credential check: a 429 while its keys must wait; else the body sets
        ``outcome[0] = True`` on success (anything else, an exception too, is a failure)."""
        wait = self.begin(keys)
        if wait > 0:
            raise throttled(wait)
        outcome = [False]
        try:
            yield outcome
        finally:
            self.end(keys, outcome[0])

    def remembered(self) -> int:
        with self._lock:
            return sum(len(counts) for counts in self._counts.values())


def throttled(wait: float) -> ApiError:
    """DRF's answer to a throttled request."""
    seconds = max(1, math.ceil(wait))
    unit = "second" if seconds == 1 else "seconds"
    return ApiError(429, {"detail": f"Request was throttled. Expected available in {seconds} "
                                    f"{unit}."}, {"Retry-After": str(seconds)})


def address_key(remote_addr: str | None) -> Key:
    """The client's address; an IPv6 one by its /64 (what one client is usually given)."""
    text = remote_addr or "-"
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return ("address", text.encode("utf-8", "replace")[:64])
    if address.version == 6 and address.ipv4_mapped is None:
        text = str(ipaddress.ip_network(f"{address}/64", strict=False))
    return ("address", text.encode())


def username_key(username: str) -> Key:
    return ("username", hashlib.sha256(username.encode("utf-8", "surrogatepass")).digest())


def keys_for(remote_addr: str | None, username: str | None = None) -> list[Key]:
    """The counts a check touches: its address's, and its username's for a password check."""
    keys = [address_key(remote_addr)]
    if username:
        keys.append(username_key(username))
    return keys
