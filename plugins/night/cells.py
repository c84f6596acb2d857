"""How the night's values read: times in UTC and local time for people, ISO 8601 for machines."""

from __future__ import annotations

import datetime as dt
from typing import Any

from cliff.columns import FormattableColumn


def iso(value: dt.datetime | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(dt.timezone.utc).replace(tzinfo=None).isoformat(timespec="seconds") + "Z"


class EventTime(FormattableColumn):
    """A moment: ``2026-12-03 23:30 UTC  (20:30 local)`` for people, ISO 8601 UTC for machines."""

    def __init__(self, value: dt.datetime | None, zone: dt.tzinfo | None = None) -> None:
        super().__init__(value)
        self._zone = zone

    def human_readable(self) -> str:
        if self._value is None:
            return "none"
        utc = self._value.astimezone(dt.timezone.utc)
        text = f"{utc:%Y-%m-%d %H:%M} UTC"
        if self._zone is not None:
            local = self._value.astimezone(self._zone)
            text += f"  ({local:%Y-%m-%d %H:%M} local, UTC{_offset(local)})"
        return text

    def machine_readable(self) -> Any:
        return iso(self._value)


class ClockTime(FormattableColumn):
    """A moment in a table row: ``00:35`` (UTC) for people, ISO 8601 UTC for machines."""

    def human_readable(self) -> str:
        return "" if self._value is None else f"{self._value.astimezone(dt.timezone.utc):%H:%M}"

    def machine_readable(self) -> Any:
        return iso(self._value)


def _offset(local: dt.datetime) -> str:
    offset = local.utcoffset() or dt.timedelta(0)
    minutes = round(offset.total_seconds() / 60)
    sign = "+" if minutes >= 0 else "-"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"
