"""The final report: per-file outcomes, counts, a table for people and JSON for machines."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, TextIO

from .progress import human_bytes
from .transfer import CANCELLED, CONFLICT, FAILED, IGNORED, SKIPPED, UPLOADED, Outcome

STATUS_ORDER = (UPLOADED, SKIPPED, CONFLICT, FAILED, IGNORED, CANCELLED)


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
        counts = self.counts
        return not self.failed and not self.interrupted and not counts[CANCELLED] \
            and not counts[CONFLICT]

    @property
    def uploaded_bytes(self) -> int:
        return sum(o.bytes for o in self.outcomes if o.status == UPLOADED)

    def files(self) -> list[dict[str, Any]]:
        return [outcome.as_dict() for outcome in self.outcomes]

    def headline(self) -> str:
        counts = self.counts
        parts = [f"{counts[status]} {status}" for status in STATUS_ORDER if counts[status]]
        where = f" into dataset {self.dataset_name!r}" if self.dataset_name else ""
        if self.dataset_uuid:
            where += f" ({self.dataset_uuid})"
        text = ", ".join(parts) or "nothing to do"
        size = f" ({human_bytes(self.uploaded_bytes)} sent)" if counts[UPLOADED] else ""
        return f"{text}{size}{where}"


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
    # After an interrupt the files never started are many and say nothing: the headline counts them.
    shown = (CONFLICT, FAILED) if report.interrupted else (CONFLICT, FAILED, CANCELLED)
    attention = [o.as_dict() for o in report.outcomes if o.status in shown]
    if attention:
        write_table(stream, ("path", "status", "error"), attention)
    stream.write(report.headline() + "\n")
