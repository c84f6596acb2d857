"""``arcsecond target import FILE.csv``: many targets at once, each row reported on its own."""

from __future__ import annotations

import argparse
import csv
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from cliff.lister import Lister

from arcsecond_core.cli.base import ArcsecondCommand
from arcsecond_core.errors import (
    ArcsecondError,
    ConnectionFailed,
    Forbidden,
    NotLoggedIn,
    Unauthorized,
    UsageError,
)

from .commands import RESOURCE, TARGET_CLASSES
from .coordinates import coordinates, parse_dec, parse_ra

LOG = logging.getLogger(__name__)
#: The columns a file may have (``name`` is required; the others may be left empty).
COLUMNS = ("name", "ra", "dec", "notes", "class", "color", "tags")
RESULT_COLUMNS = ("line", "name", "result", "id", "target_class", "mode", "error")
#: Failures of the whole run, not of a row: the import stops there.
FATAL = (UsageError, ConnectionFailed, Unauthorized, Forbidden, NotLoggedIn)


class RowError(ArcsecondError):
    """A row that cannot become a target (it is not sent)."""


def read_rows(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    """The rows of the CSV file as (line number, cells by column), the header checked first."""
    try:
        handle = path.open(newline="", encoding="utf-8-sig")
    except OSError as exc:
        raise UsageError(f"cannot read {str(path)!r}: {exc.strerror or exc}") from None
    with handle:
        try:
            reader = csv.reader(handle)
            header = [cell.strip().lower() for cell in next(reader, [])]
            if "name" not in header:
                raise UsageError(f"{str(path)!r} has no 'name' column: its first line must name "
                                 f"the columns ({', '.join(COLUMNS)})")
            unknown = [cell for cell in header if cell not in COLUMNS]
            if unknown:
                raise UsageError(f"{str(path)!r}: unknown column{'s' if len(unknown) > 1 else ''}"
                                 f" {', '.join(map(repr, unknown))} (known: {', '.join(COLUMNS)})")
            for cells in reader:
                if not any(cell.strip() for cell in cells):
                    continue
                yield reader.line_num, dict(zip(header, (c.strip() for c in cells), strict=False))
        except UnicodeDecodeError:
            raise UsageError(f"{str(path)!r} is not UTF-8 text") from None
        except csv.Error as exc:
            raise UsageError(f"{str(path)!r} is not a readable CSV file: {exc}") from None


def target_body(cells: dict[str, str]) -> dict[str, Any]:
    """The API fields of one row; RowError for a cell that cannot be one."""
    name = cells.get("name", "")
    if not name:
        raise RowError("no name")
    body: dict[str, Any] = {"name": name}
    try:
        ra = parse_ra(cells["ra"]) if cells.get("ra") else None
        dec = parse_dec(cells["dec"]) if cells.get("dec") else None
        place = coordinates(ra, dec)
    except argparse.ArgumentTypeError as exc:
        raise RowError(str(exc)) from None
    if place is not None:
        body["coordinates"] = place
    kind = cells.get("class")
    if kind:
        if kind not in TARGET_CLASSES:
            raise RowError(f"class {kind!r} is not one of {', '.join(TARGET_CLASSES)}")
        body["target_class"] = kind
    for column in ("notes", "color"):
        if cells.get(column):
            body[column] = cells[column]
    if cells.get("tags"):
        body["tags"] = [tag.strip() for tag in cells["tags"].split(";") if tag.strip()]
    return body


class ImportTargets(ArcsecondCommand, Lister):
    """Create targets from a CSV file (columns name, ra, dec, notes; also class, color, tags)"""

    portal_option = True

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        parser.add_argument(
            "file", metavar="FILE.csv", type=Path,
            help="A CSV file whose first line names the columns. ra and dec (degrees, or "
                 "sexagesimal) may be left empty when the server can resolve the name; tags "
                 "are separated by ';'.")
        return parser

    def run(self, parsed_args: argparse.Namespace) -> int:
        self.failed = self.total = 0
        result = super().run(parsed_args)
        if self.failed:
            raise ArcsecondError(f"{self.failed} of {self.total} failed to import")
        return result

    def take_action(self, parsed_args: argparse.Namespace) -> tuple[tuple[str, ...], list]:
        client = self.api(parsed_args).resource(RESOURCE)
        rows = []
        for line, cells in read_rows(parsed_args.file):
            self.total += 1
            name = cells.get("name", "")
            try:
                created = client.create(**target_body(cells))
            except FATAL:
                raise
            except ArcsecondError as exc:
                self.failed += 1
                LOG.error("line %d (%r): %s", line, name, exc)
                rows.append((line, name, "failed", None, None, None, str(exc)))
                continue
            rows.append((line, created["name"], "created", created["id"],
                         created["target_class"], created["mode"], None))
        if not self.total:
            raise UsageError(f"{str(parsed_args.file)!r} has no rows after its header")
        return RESULT_COLUMNS, rows
