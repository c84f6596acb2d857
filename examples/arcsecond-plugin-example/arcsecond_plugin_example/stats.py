"""``arcsecond dataset stats DATASET``: file counts and bytes per file type and per night log."""

from __future__ import annotations

import argparse
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from arcsecond_core import errors
from arcsecond_core.cli.base import ArcsecondCommand
from cliff.lister import Lister

from arcsecond_plugin_example.options import SIZE_UNITS, format_size

if TYPE_CHECKING:
    from arcsecond_core.api import ArcsecondAPI

GROUPINGS = ("file_type", "night_log")


@dataclass
class Tally:
    """Files and bytes counted under keys (a file type, a night log)."""

    files: Counter[Any] = field(default_factory=Counter)
    bytes: Counter[Any] = field(default_factory=Counter)

    def add(self, key: Any, size: int) -> None:
        self.files[key] += 1
        self.bytes[key] += size


@dataclass
class DatasetStatistics:
    """The counts of one dataset's files: in total, per file type, per night log (uuid)."""

    files: int = 0
    bytes: int = 0
    file_types: Tally = field(default_factory=Tally)
    night_logs: Tally = field(default_factory=Tally)

    @classmethod
    def of(cls, datafiles: Iterable[dict[str, Any]]) -> DatasetStatistics:
        stats = cls()
        for datafile in datafiles:
            size = int(datafile.get("size") or 0)
            stats.files += 1
            stats.bytes += size
            stats.file_types.add(datafile.get("file_type") or "other", size)
            stats.night_logs.add(datafile.get("night_log"), size)
        return stats


def night_log_dates(api: ArcsecondAPI, uuids: Iterable[str | None]) -> dict[str, str]:
    """The date of each night log, by uuid (the uuid itself when it cannot be read)."""
    dates = {}
    for uuid in uuids:
        if uuid is None:
            continue
        try:
            dates[uuid] = str(api.nightlogs.read(uuid)["date"])
        except (errors.NotFound, errors.Forbidden):
            dates[uuid] = uuid
    return dates


class DatasetStats(ArcsecondCommand, Lister):
    """Count the files and bytes of a dataset per file type and per night log"""

    portal_option = True

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        parser.add_argument("dataset", metavar="DATASET", help="Name or UUID of the dataset.")
        parser.add_argument(
            "--by", choices=GROUPINGS, action="append", default=None,
            help="Group by file type or by night log (repeatable; default: both).",
        )
        return parser

    def size_unit(self) -> str:
        """The ``--size-unit`` global option (this plugin's), checked."""
        unit = getattr(self.app.options, "size_unit", None) or "B"
        if unit not in SIZE_UNITS:
            raise errors.UsageError(
                f"unknown size unit {unit!r}: use one of {', '.join(SIZE_UNITS)}"
            )
        return unit

    def take_action(self, parsed_args: argparse.Namespace) -> tuple[tuple[str, ...], list[Any]]:
        unit = self.size_unit()
        api = self.api(parsed_args)
        dataset = api.datasets.find(parsed_args.dataset)
        stats = DatasetStatistics.of(api.datafiles.list(dataset=dataset["uuid"]))
        groupings = parsed_args.by or GROUPINGS
        rows: list[tuple[Any, ...]] = []
        if "file_type" in groupings:
            for file_type in sorted(stats.file_types.files):
                rows.append(("file_type", file_type, stats.file_types.files[file_type],
                             stats.file_types.bytes[file_type]))
        if "night_log" in groupings:
            dates = night_log_dates(api, stats.night_logs.files)
            keyed = sorted(stats.night_logs.files, key=lambda u: (u is None, dates.get(u, "")))
            for uuid in keyed:
                rows.append(("night_log", dates.get(uuid), stats.night_logs.files[uuid],
                             stats.night_logs.bytes[uuid]))
        rows.append(("total", dataset["name"], stats.files, stats.bytes))
        columns: tuple[str, ...] = ("group", "key", "files", "bytes")
        if unit != "B":
            columns += ("size",)
            rows = [(*row, format_size(row[3], unit)) for row in rows]
        return columns, rows
