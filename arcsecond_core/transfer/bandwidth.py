"""``--bwlimit``: one cap on the bytes per second of all the jobs of a run, with a timetable.

A rate is bytes per second with an optional binary suffix, as rclone writes it: ``512K`` (KiB/s),
``10M``, ``1.5G``, ``off`` (no cap). A timetable is a list of ``HH:MM,RATE`` entries separated
by spaces: ``"08:00,512K 19:00,off"`` caps the transfer to 512 KiB/s from 08:00 to 19:00 and
lifts the cap for the night. The entry in force at a moment is the last one whose time has
passed that day (before the first entry of the day, the last one of the day before). Times are
the observatory's local time: the time zone given (the site's), else the machine's.

:class:`Bandwidth` is a token bucket in the form of a virtual schedule (GCRA): each block of
bytes books the next ``size / rate`` seconds of the link, and the thread that sent it waits until
its slot has passed. One bucket is shared by all the threads of a run; every wait is sliced, so
the stop event ends it within a fraction of a second, and a timetable that switches to ``off``
releases it at once.
"""

from __future__ import annotations

import datetime as dt
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from arcsecond_core.errors import UsageError

_RATE = re.compile(r"(?i)^\s*(\d+(?:\.\d+)?)\s*([bkmgt]?)(?:i?b?(?:/s)?)?\s*$")
_UNITS = {"": 1024, "b": 1, "k": 1024, "m": 1024 ** 2, "g": 1024 ** 3, "t": 1024 ** 4}
_ENTRY = re.compile(r"^(\d{1,2}):(\d{2}),(.+)$")
#: The longest single wait before the rate and the stop event are looked at again.
SLICE = 0.2
#: Bytes read or written at once while a cap is set: small enough for a smooth rate.
THROTTLED_BLOCK = 64 * 1024
MINIMUM_RATE = 1024.0


def parse_rate(text: str) -> float | None:
    """Bytes per second (``512K`` is 512 KiB/s, a bare number is KiB/s as in rclone), or None
    for ``off``; UsageError otherwise."""
    if text.strip().lower() in ("off", "none", "unlimited"):
        return None
    match = _RATE.match(text)
    if not match:
        raise UsageError(f"not a rate: {text!r} (say 512K, 10M, 1.5G or off)")
    value = float(match.group(1)) * _UNITS[match.group(2).lower()]
    if value < MINIMUM_RATE:
        raise UsageError(f"a rate of {text!r} is below 1K per second: say off for no cap")
    return value


@dataclass(frozen=True)
class Timetable:
    """The rate in force at each minute of the day (one entry without a time: always)."""

    #: (minute of the day, bytes per second or None), sorted by minute.
    entries: tuple[tuple[int, float | None], ...]
    #: The time zone of the times; None for the machine's local time.
    zone: dt.tzinfo | None = None
    text: str = ""

    @classmethod
    def parse(cls, text: str, zone: dt.tzinfo | None = None) -> Timetable:
        """``"512K"``, ``"off"`` or ``"08:00,512K 19:00,off"``; UsageError for anything else."""
        words = text.split()
        if not words:
            raise UsageError("--bwlimit needs a rate or a timetable")
        if len(words) == 1 and "," not in words[0]:
            return cls(((0, parse_rate(words[0])),), zone, text.strip())
        entries: dict[int, float | None] = {}
        for word in words:
            match = _ENTRY.match(word)
            if not match:
                raise UsageError(f"not a timetable entry: {word!r} (say HH:MM,RATE as in "
                                 "\"08:00,512K 19:00,off\")")
            hours, minutes = int(match.group(1)), int(match.group(2))
            if hours > 23 or minutes > 59:
                raise UsageError(f"not a time of day: {word.split(',')[0]!r}")
            minute = hours * 60 + minutes
            if minute in entries:
                raise UsageError(f"the timetable gives {word.split(',')[0]} twice")
            entries[minute] = parse_rate(match.group(3))
        return cls(tuple(sorted(entries.items())), zone, text.strip())

    def rate_at(self, when: dt.datetime) -> float | None:
        """The rate in force at ``when`` (converted to the timetable's zone)."""
        local = when.astimezone(self.zone) if self.zone is not None else when.astimezone()
        minute = local.hour * 60 + local.minute
        rate = self.entries[-1][1]  # before the day's first entry: the day before's last one
        for start, value in self.entries:
            if start <= minute:
                rate = value
        return rate

    @property
    def unlimited(self) -> bool:
        return all(rate is None for _, rate in self.entries)

    def describe(self) -> str:
        where = f" ({self.zone})" if self.zone is not None else " (this machine's local time)"
        return self.text + (where if len(self.entries) > 1 else "")


def zone_named(name: str | None) -> dt.tzinfo | None:
    """The IANA time zone ``name`` (a site's), or None when unknown or not installed."""
    if not name:
        return None
    try:
        from zoneinfo import ZoneInfo

        return ZoneInfo(name)
    except (ValueError, KeyError, OSError):
        return None


class Bandwidth:
    """The bytes per second of every thread of a run, together, kept under the timetable's rate.

    ``clock`` (monotonic seconds) and ``now`` (an aware datetime) can be injected for tests.
    """

    def __init__(self, timetable: Timetable, *, clock: Callable[[], float] = time.monotonic,
                 now: Callable[[], dt.datetime] | None = None,
                 wait: Callable[[threading.Event, float], bool] | None = None) -> None:
        self.timetable = timetable
        self._clock = clock
        self._now = now or (lambda: dt.datetime.now(dt.timezone.utc))
        self._wait = wait or (lambda event, seconds: event.wait(seconds))
        self._lock = threading.Lock()
        self._booked_until = 0.0
        self._rate_checked = -1e18
        self._rate: float | None = None

    @property
    def block_size(self) -> int:
        return THROTTLED_BLOCK

    def rate(self) -> float | None:
        """The rate in force now (the timetable is read again once a second)."""
        moment = self._clock()
        with self._lock:
            if moment - self._rate_checked >= 1.0:
                self._rate = self.timetable.rate_at(self._now())
                self._rate_checked = moment
            return self._rate

    def take(self, count: int, cancel: threading.Event | None = None) -> bool:
        """Book ``count`` bytes and wait until their slot has passed; False when ``cancel`` was
        set meanwhile (the caller stops), True otherwise."""
        rate = self.rate()
        if rate is None or count <= 0:
            return not (cancel is not None and cancel.is_set())
        with self._lock:
            moment = self._clock()
            start = max(self._booked_until, moment)
            self._booked_until = start + count / rate
            until = self._booked_until
        event = cancel or threading.Event()
        while True:
            left = until - self._clock()
            if left <= 0:
                return not event.is_set()
            if self._wait(event, min(left, SLICE)):
                return False
            if self.rate() is None:  # the timetable lifted the cap meanwhile
                with self._lock:
                    self._booked_until = self._clock()
                return True


def make_bandwidth(text: str | None, zone: dt.tzinfo | None = None) -> Bandwidth | None:
    """The run's bucket for ``--bwlimit TEXT``; None without a cap at any time of day."""
    if text is None or not text.strip():
        return None
    timetable = Timetable.parse(text, zone)
    return None if timetable.unlimited else Bandwidth(timetable)


def for_run(given: str | None, profile: object, zone: dt.tzinfo | None = None) -> Bandwidth | None:
    """The bucket of a run: ``--bwlimit`` when given, else the server's ``bwlimit`` in
    config.ini (a bad value there is a ConfigError naming it)."""
    if given is not None:
        return make_bandwidth(given, zone)
    configured = getattr(profile, "bwlimit", None)
    if not configured:
        return None
    try:
        return make_bandwidth(configured, zone)
    except UsageError as exc:
        from arcsecond_core.errors import ConfigError

        name = getattr(profile, "name", "?")
        raise ConfigError(f"bwlimit of [{name}] in config.ini: {exc}") from None
