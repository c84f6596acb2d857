"""A night plan's slots: their length, one line each for people, and their table columns."""

from __future__ import annotations

import datetime as dt
from typing import Any

from cliff.columns import FormattableColumn


def _moment(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


def duration(item: dict[str, Any]) -> float | None:
    """A slot's length in seconds."""
    try:
        return (_moment(item["end"]) - _moment(item["start"])).total_seconds()
    except (AttributeError, KeyError, TypeError, ValueError):
        return None


def slot_line(item: dict[str, Any]) -> str:
    """A slot in a line: ``23:00-01:00 UTC  M31  40°→62°``."""
    start, end = str(item.get("start") or "")[11:16], str(item.get("end") or "")[11:16]
    altitudes = [f"{v:.0f}°" if isinstance(v, (int, float)) else "—"
                 for v in (item.get("altitude_start"), item.get("altitude_end"))]
    return f"{start}-{end} UTC  {item.get('target_name')}  {altitudes[0]}→{altitudes[1]}"


class SlotsColumn(FormattableColumn):
    """A plan's slots, one per line for people; the slot objects for machines."""

    def human_readable(self) -> str:
        return "\n".join(slot_line(item) for item in self._value or [])

    def machine_readable(self) -> Any:
        return self._value


class SlotsCountColumn(SlotsColumn):
    """A plan's slots as their number (list tables stay one row per plan)."""

    def human_readable(self) -> str:
        return str(len(self._value or []))
