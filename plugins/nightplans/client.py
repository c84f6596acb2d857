"""``api.nightplans``: night plans, found by UUID or by date (narrowed by telescope or site)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from arcsecond_core.errors import UsageError
from arcsecond_core.resources import Record, Resource, is_uuid
from arcsecond_core.session import ArcsecondSession

AMBIGUOUS_HINT = "give --telescope or --site, or use the uuid"


class NightPlans(Resource):
    """The ``nightplans`` resource. A plan has no name: ``find`` takes its UUID, or its date
    when only one plan has it (among those of ``filters``, e.g. a telescope)."""

    def __init__(self, session: ArcsecondSession, filters: dict[str, Any] | None = None) -> None:
        super().__init__(session, "nightplans", name_field="date", singular="night plan")
        self.filters = {k: v for k, v in (filters or {}).items() if v is not None}

    def narrowed(self, **filters: Any) -> NightPlans:
        """The same resource whose lists and date lookups keep to ``filters``."""
        return NightPlans(self.session, {**self.filters, **filters})

    def list(self, *, limit: int | None = None, page_size: int | None = None,
             **filters: Any) -> Iterator[Record]:
        return super().list(limit=limit, page_size=page_size, **{**self.filters, **filters})

    def find(self, name_or_id: str) -> Record:
        text = str(name_or_id).strip()
        if not is_uuid(text):
            try:
                text = dt.date.fromisoformat(text).isoformat()
            except ValueError:
                raise UsageError(f"{name_or_id!r} is neither a night plan's UUID nor a date "
                                 "(YYYY-MM-DD)") from None
        return super().find(text)

    def only(self, matches: list[Record], text: str, hint: str = "") -> Record:
        return super().only(matches, text, hint or AMBIGUOUS_HINT)
