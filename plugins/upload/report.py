"""The final report: per-file outcomes and counts, as rows for cliff's formatters and a headline."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from arcsecond_core.sizes import human_bytes

from .transfer import CANCELLED, FAILED, IGNORED, SKIPPED, UPLOADED, Outcome

STATUS_ORDER = (UPLOADED, SKIPPED, FAILED, IGNORED, CANCELLED)
#: How the headline counts each status ("13 already on the server").
STATUS_WORDS = {SKIPPED: "already on the server"}
#: The columns of the table for people: the files that need attention.
ATTENTION_COLUMNS = ("path", "status", "error")
Rows = tuple[tuple[str, ...], list[tuple[Any, ...]]]


@dataclass
class Report:
    """Everything an upload did, file by file."""

    dataset_name: str = ""
    dataset_uuid: str | None = None
    outcomes: list[Outcome] = field(default_factory=list)
    interrupted: bool = False

    def add(self, outcomes: Iterable[Outcome]) -> None:
        self.outcomes.extend(outcomes)

    @property
    def counts(self) -> Counter[str]:
        return Counter(outcome.status for outcome in self.outcomes)

    @property
    def failed(self) -> list[Outcome]:
        return [outcome for outcome in self.outcomes if outcome.status == FAILED]

    @property
    def ok(self) -> bool:
        """True when every file was uploaded or skipped (ignored paths do not count)."""
        return not self.failed and not self.interrupted and not self.counts[CANCELLED]

    @property
    def uploaded_bytes(self) -> int:
        return sum(o.bytes for o in self.outcomes if o.status == UPLOADED)

    def files(self) -> list[dict[str, Any]]:
        return [outcome.as_dict() for outcome in self.outcomes]

    def headline(self) -> str:
        """``dataset 'M31' (uuid): 3 uploaded, 13 already on the server (25.0 MB sent)``."""
        counts = self.counts
        parts = [f"{counts[status]} {STATUS_WORDS.get(status, status)}"
                 for status in STATUS_ORDER if counts[status]]
        where = f"dataset {self.dataset_name!r}" if self.dataset_name else ""
        if self.dataset_uuid:
            where += f" ({self.dataset_uuid})"
        text = ", ".join(parts) or "nothing to do"
        size = f" ({human_bytes(self.uploaded_bytes)} sent)" if counts[UPLOADED] else ""
        prefix = "interrupted: " if self.interrupted else ""
        return f"{prefix}{where + ': ' if where else ''}{text}{size}"

    def __str__(self) -> str:
        return self.headline()

    def __repr__(self) -> str:
        return f"<Report {self.headline()}>"


def as_rows(records: Sequence[dict[str, Any]], columns: Sequence[str] | None = None) -> Rows:
    """``records`` as cliff's (columns, rows): the given columns, else every field."""
    names = tuple(columns) if columns is not None else tuple(records[0]) if records else ()
    return names, [tuple(record.get(name) for name in names) for record in records]


def report_rows(report: Report, formatter: str) -> Rows:
    """For people (a table), the files that need attention; for machines, every file."""
    if formatter == "table":
        attention = [o.as_dict() for o in report.outcomes if o.status in (FAILED, CANCELLED)]
        return as_rows(attention, ATTENTION_COLUMNS)
    return as_rows(report.files(), tuple(Outcome("", "", "").as_dict()))
