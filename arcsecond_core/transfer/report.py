"""The final report of a transfer: per-file outcomes, counts, a table for people, JSON for machines."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, TextIO

from arcsecond_core.sizes import human_bytes

from .outcome import (
    CANCELLED,
    CONFLICT,
    DOWNLOADED,
    FAILED,
    IGNORED,
    SKIPPED,
    TOO_RECENT,
    UPLOADED,
    Outcome,
)

STATUS_ORDER = (UPLOADED, DOWNLOADED, SKIPPED, CONFLICT, FAILED, TOO_RECENT, IGNORED, CANCELLED)
#: How the headline counts a status, by direction ("13 already on the server").
UPLOAD_WORDS = {SKIPPED: "already on the server"}
DOWNLOAD_WORDS = {SKIPPED: "already here"}
#: The columns of the table for people: the files that need attention.
ATTENTION_COLUMNS = ("path", "status", "error")
Rows = tuple[tuple[str, ...], list[tuple[Any, ...]]]


@dataclass
class Report:
    """Everything a transfer did, file by file.

    An upload names its dataset (``dataset_name``, ``dataset_uuid``); a download says where from
    and where to in ``place`` (e.g. ``from dataset 'M31' into ./M31``).
    """

    dataset_name: str = ""
    dataset_uuid: str | None = None
    outcomes: list[Outcome] = field(default_factory=list)
    interrupted: bool = False
    place: str = ""

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
        """True when every file was transferred or skipped (ignored paths do not count)."""
        counts = self.counts
        return not self.failed and not self.interrupted and not counts[CANCELLED] \
            and not counts[CONFLICT]

    @property
    def uploaded_bytes(self) -> int:
        return sum(o.bytes for o in self.outcomes if o.status == UPLOADED)

    @property
    def downloaded_bytes(self) -> int:
        return sum(o.bytes for o in self.outcomes if o.status == DOWNLOADED)

    def files(self) -> list[dict[str, Any]]:
        return [outcome.as_dict() for outcome in self.outcomes]

    def headline(self) -> str:
        """``dataset 'M31' (uuid): 3 uploaded, 13 already on the server (25.0 MB sent)``, or for
        a download ``3 downloaded (600.0 KB received) from dataset 'M31' into M31``."""
        counts = self.counts
        words = DOWNLOAD_WORDS if self.place else UPLOAD_WORDS
        parts = [f"{counts[status]} {words.get(status, status)}"
                 for status in STATUS_ORDER if counts[status]]
        text = ", ".join(parts) or "nothing to do"
        size = f" ({human_bytes(self.uploaded_bytes)} sent)" if counts[UPLOADED] else ""
        if counts[DOWNLOADED]:
            size = f" ({human_bytes(self.downloaded_bytes)} received)"
        prefix = "interrupted: " if self.interrupted else ""  # the one place that says it
        if self.place:
            return f"{prefix}{text}{size} {self.place}"
        where = f"dataset {self.dataset_name!r}" if self.dataset_name else ""
        if self.dataset_uuid:
            where += f" ({self.dataset_uuid})"
        return f"{prefix}{where + ': ' if where else ''}{text}{size}"

    def __str__(self) -> str:
        return self.headline()

    def __repr__(self) -> str:
        return f"<Report {self.headline()}>"


def attention(report: Report) -> list[dict[str, Any]]:
    """The files a person should look at (after an interrupt, not the many never started)."""
    shown = (CONFLICT, FAILED) if report.interrupted else (CONFLICT, FAILED, CANCELLED)
    return [o.as_dict() for o in report.outcomes if o.status in shown]


def as_rows(records: Sequence[dict[str, Any]], columns: Sequence[str] | None = None) -> Rows:
    """``records`` as cliff's (columns, rows): the given columns, else every field."""
    names = tuple(columns) if columns is not None else tuple(records[0]) if records else ()
    return names, [tuple(record.get(name) for name in names) for record in records]


def report_rows(report: Report, formatter: str) -> Rows:
    """For people (a table), the files that need attention; for machines, every file."""
    if formatter == "table":
        return as_rows(attention(report), ATTENTION_COLUMNS)
    return as_rows(report.files(), tuple(Outcome("", "", "").as_dict()))


def write_json(stream: TextIO, rows: Sequence[dict[str, Any]]) -> None:
    json.dump(list(rows), stream, indent=2, default=str)
    stream.write("\n")


def write_table(stream: TextIO, columns: Sequence[str], rows: Sequence[dict[str, Any]]) -> None:
    """Aligned columns with a header line; None shows as empty."""
    cells = [[_cell(row.get(column)) for column in columns] for row in rows]
    widths = [max([len(column), *(len(line[i]) for line in cells)]) for i, column in
              enumerate(columns)]
    stream.write("  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)).rstrip() + "\n")
    stream.write("  ".join("-" * w for w in widths) + "\n")
    for line in cells:
        stream.write("  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)).rstrip() + "\n")


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    return str(value)


def write_report(stream: TextIO, report: Report, formatter: str) -> None:
    """The report: every file as JSON, or for people the files that need attention."""
    if formatter == "json":
        write_json(stream, report.files())
        return
    rows = attention(report)
    if rows:
        write_table(stream, ATTENTION_COLUMNS, rows)
    stream.write(report.headline() + "\n")
