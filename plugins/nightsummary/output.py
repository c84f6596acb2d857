"""How a summary's three parts (groups, missing, unreadable) come out in each format.

- ``-f table`` (default): the groups table, then the missing calibrations and unreadable files,
  each under its own heading (``missing: nothing`` when the night lacks nothing); ``-c`` picks
  the groups' columns.
- ``-f json`` and ``-f yaml``: ``{"groups": [...], "missing": [...], "unreadable": [...]}``.
- ``-f csv`` and ``-f value``: one row per item of every part, the first column (``part``)
  saying which, the other columns the union of the parts' fields.
- ``--part groups|missing|unreadable``: that part alone, as a list in every format.
"""

from __future__ import annotations

import argparse
import json
from typing import Any, ClassVar

from cliff.lister import Lister

from arcsecond_core.cli.base import ArcsecondCommand, check_known_columns
from arcsecond_core.nightsummary import GROUP_FIELDS, PARTS

Summary = dict[str, list[dict[str, Any]]]
ALL_COLUMNS = ("part", *dict.fromkeys(name for fields in PARTS.values() for name in fields))
PART_HELP = ("Show only this part of the summary: groups, missing (calibrations) or unreadable "
             "(files), as a list in every format (default: all three; csv and value give one "
             "row per item with its part first).")


def rows_of(summary: Summary, part: str | None) -> tuple[tuple[str, ...], list[tuple]]:
    """The columns and rows of one part, or of every part with its name first."""
    if part is not None:
        fields = PARTS[part]
        return fields, [tuple(item.get(name) for name in fields) for item in summary[part]]
    rows = [(name, *(item.get(column) for column in ALL_COLUMNS[1:]))
            for name in PARTS for item in summary[name]]
    return ALL_COLUMNS, rows


class SummaryCommand(ArcsecondCommand, Lister):
    """A command whose answer is a night's summary (subclasses say where the frames come from)."""

    #: What the table says when there are no frames.
    empty_text: ClassVar[str] = "no frames"

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        parser.add_argument("--part", choices=tuple(PARTS), default=None, help=PART_HELP)
        parser.set_defaults(print_empty=True)
        return parser

    def summary(self, parsed_args: argparse.Namespace) -> Summary:
        raise NotImplementedError

    def take_action(self, parsed_args: argparse.Namespace) -> tuple[tuple[str, ...], list]:
        self._summary = self.summary(parsed_args)
        return rows_of(self._summary, parsed_args.part)

    def produce_output(self, parsed_args: argparse.Namespace, column_names: Any,
                       data: Any) -> int:
        formatter, part = parsed_args.formatter, parsed_args.part
        known = column_names if part is not None or formatter in ("csv", "value") else GROUP_FIELDS
        check_known_columns("column", parsed_args.columns, known)
        check_known_columns("sort column", getattr(parsed_args, "sort_columns", None) or [], known)
        if part is not None or formatter in ("csv", "value"):
            return super().produce_output(parsed_args, column_names, data)
        if formatter == "json":
            indent = None if getattr(parsed_args, "noindent", False) else 2
            self.app.stdout.write(json.dumps(self._summary, indent=indent) + "\n")
            return 0
        if formatter == "yaml":
            import yaml

            yaml.safe_dump(self._summary, self.app.stdout, default_flow_style=False,
                           sort_keys=False)
            return 0
        return self._tables(parsed_args)

    def _tables(self, parsed_args: argparse.Namespace) -> int:
        """The groups table, then the missing and unreadable ones under their headings."""
        asked = list(parsed_args.columns)
        out = self.app.stdout
        for name in PARTS:
            items = self._summary[name]
            if name == "groups" and not items:
                out.write(f"{self.empty_text}\n")
                continue
            if name != "groups":
                if not items and name == "unreadable":
                    continue
                out.write(f"\n{name}: {len(items) if items else 'nothing'}\n")
                if not items:
                    continue
            # -c picks the groups' columns; the other tables keep theirs (their reasons).
            parsed_args.columns = asked if name == "groups" else []
            columns, rows = rows_of(self._summary, name)
            super().produce_output(parsed_args, columns, rows)
        out.flush()
        return 0

