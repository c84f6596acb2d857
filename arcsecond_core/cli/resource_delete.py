"""The delete command every resource shares: asks first, goes on past a failure."""

from __future__ import annotations

import argparse
import logging
from typing import Any, ClassVar

from arcsecond_core.cli.base import add_yes_option
from arcsecond_core.cli.resource_commands import ResourceCommand, TargetArgument
from arcsecond_core.errors import ArcsecondError, UsageError

LOG = logging.getLogger(__name__)


class ResourceDelete(TargetArgument, ResourceCommand):
    """Delete objects, by name or identifier.

    Every delete asks on a terminal and refuses without one unless given ``-y/--yes``. With
    several targets, a failure does not stop the others: each is reported, and the command
    ends with "N of M failed" and exit code 1.
    """

    web_option = False
    #: What else is lost, formatted with the object's fields, e.g. "and its {data_files_count} files".
    consequence: ClassVar[str] = ""

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        self.add_target(parser, many=True)
        add_yes_option(parser)
        return parser

    def describe(self, client: Any, record: dict[str, Any]) -> str:
        object_id = record.get(client.id_field)
        label = record.get(client.name_field) if client.name_field else None
        if label is not None and str(label) != str(object_id):
            return f"{client.singular} {str(label)!r} ({object_id})"
        return f"{client.singular} {object_id}"

    def take_action(self, parsed_args: argparse.Namespace) -> int:
        client = self.client(parsed_args)
        targets = list(dict.fromkeys(parsed_args.targets))
        errors: list[ArcsecondError] = []
        records: dict[str, dict[str, Any]] = {}
        # Every target is looked up before anything is deleted, so a typo shows up first.
        for target in targets:
            try:
                record = client.find(target)
            except ArcsecondError as exc:
                self._failed(exc, errors, alone=len(targets) == 1)
                continue
            records.setdefault(str(record[client.id_field]), record)
        declined = 0
        for record in records.values():
            described = self.describe(client, record)
            consequence = self.consequence.format_map(_Blank(record)) if self.consequence else ""
            question = f"Delete {described}{' ' + consequence if consequence else ''}?"
            if not self.confirm(question, parsed_args.yes):
                self.app.stderr.write(f"{described} not deleted\n")
                declined += 1
                continue
            try:
                client.delete(record[client.id_field])
            except ArcsecondError as exc:
                self._failed(exc, errors, alone=len(targets) == 1)
                continue
            self.app.stdout.write(f"deleted {described}\n")
        if errors:
            raise ArcsecondError(f"{len(errors)} of {len(targets)} failed to delete")
        return 1 if declined else 0

    def _failed(self, exc: ArcsecondError, errors: list[ArcsecondError], *, alone: bool) -> None:
        """Raise the error of a single target; report one of several and go on."""
        if alone or isinstance(exc, UsageError):
            raise exc
        LOG.error(str(exc))
        errors.append(exc)


class _Blank(dict):
    """Format fields from a record; a field the record lacks reads ``?``."""

    def __missing__(self, key: str) -> str:
        return "?"
