"""Table cells for people, exact values for machines: sizes, times, names of linked objects.

cliff's table formatter shows ``human_readable()``; JSON, YAML, CSV and value show
``machine_readable()``, so a size reads ``25.0 MB`` in a table and stays ``25000000`` elsewhere.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from cliff.columns import FormattableColumn

from arcsecond_core.sizes import human_bytes


class SizeColumn(FormattableColumn):
    """A number of bytes: ``25.0 MB`` for people, the exact count for machines."""

    def human_readable(self) -> str:
        return "" if self._value is None else human_bytes(self._value)

    def machine_readable(self) -> Any:
        return self._value


class TimeColumn(FormattableColumn):
    """An ISO 8601 timestamp: ``2026-11-21 22:05`` (UTC) for people, unchanged for machines."""

    def human_readable(self) -> str:
        text = "" if self._value is None else str(self._value)
        if len(text) >= 16 and text[10] == "T":
            return f"{text[:10]} {text[11:16]}"
        return text

    def machine_readable(self) -> Any:
        return self._value


class NameColumn(FormattableColumn):
    """A linked object's identifier, shown by its name (or ``name (uuid)``) to people."""

    def __init__(self, value: Any, names: Callable[[Any], str | None], with_id: bool = False):
        super().__init__(value)
        self._names = names
        self._with_id = with_id

    def human_readable(self) -> str:
        if self._value in (None, ""):
            return ""
        name = self._names(self._value)
        if not name:
            return str(self._value)
        return f"{name} ({self._value})" if self._with_id else name

    def machine_readable(self) -> Any:
        return self._value


class NameLookup:
    """The names of one resource's objects by identifier, each read once, when first shown."""

    def __init__(self, resource: Any) -> None:
        self._resource = resource
        self._names: dict[str, str | None] = {}

    def __call__(self, object_id: Any) -> str | None:
        key = str(object_id)
        if key not in self._names:
            self._names[key] = self._read(key)
        return self._names[key]

    def _read(self, object_id: str) -> str | None:
        from arcsecond_core.errors import ArcsecondError

        client = self._resource
        try:
            name = client.read(object_id).get(client.name_field)
        except ArcsecondError:
            return None  # names are a convenience: the identifier still shows
        return None if name is None else str(name)
