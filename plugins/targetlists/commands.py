"""``arcsecond targetlist ...``: target lists, their targets given by name or id.

A target named on the command line that is not yet one of the user's targets is created first,
its name resolved by the server as ``target create --name`` does; if one cannot be, the targets
this command created are deleted again and nothing changes.
"""

from __future__ import annotations

import argparse
import logging
from typing import Any

from arcsecond_plugins.targets.columns import TargetNamesColumn, TargetsColumn, cell

from arcsecond_core.cli.legacy import LegacyPlural
from arcsecond_core.cli.resource_commands import (
    Option,
    ResourceLister,
    ResourceShow,
    ResourceShowOne,
    TargetArgument,
)
from arcsecond_core.cli.resource_delete import ResourceDelete
from arcsecond_core.errors import ArcsecondError, NotFound, UsageError

LOG = logging.getLogger(__name__)
RESOURCE = "targetlists"
TARGETS = Option("--target", "targets", multiple=True, metavar="TARGET",
                 help="A target, by name or id (repeat for more; on update, the new list). A "
                      "name that is not yet a target is created, resolved by the server.")


class ListCells:
    """A list's targets one per line in a table."""

    target_cells: Any = TargetsColumn

    def cells(self, parsed_args: argparse.Namespace, *, with_id: bool = False) -> dict[str, Any]:
        cells = super().cells(parsed_args, with_id=with_id)  # type: ignore[misc]
        cells["targets"] = cell(parsed_args, self.target_cells)
        return cells


class TargetListArgument(TargetArgument):
    argument = "TARGET_LIST"
    argument_help = "The target list's name, or its UUID."


class TargetIds:
    """Targets named on the command line, as ids (created by resolution when missing)."""

    created: list[dict[str, Any]]

    def target_ids(self, parsed_args: argparse.Namespace, texts: list[str],
                   create_missing: bool = True) -> list[Any]:
        targets = self.api(parsed_args).resource("targets")  # type: ignore[attr-defined]
        self.created = []
        ids = []
        try:
            for text in texts:
                try:
                    ids.append(targets.find(text)["id"])
                except NotFound:
                    if not create_missing or text.isdigit():
                        raise
                    made = targets.create(name=text)
                    self.created.append(made)
                    ids.append(made["id"])
        except ArcsecondError:
            self.undo(parsed_args)
            raise
        return ids

    def undo(self, parsed_args: argparse.Namespace) -> None:
        """Delete the targets this command created (on a failure, nothing is left half-done)."""
        targets = self.api(parsed_args).resource("targets")  # type: ignore[attr-defined]
        for made in getattr(self, "created", []):
            try:
                targets.delete(made["id"])
            except ArcsecondError as exc:
                LOG.error("could not delete target %s created by this command: %s",
                          made["id"], exc)
        self.created = []

    def report(self) -> None:
        """Say which targets were created (once the whole command has succeeded)."""
        for made in getattr(self, "created", []):
            self.app.stderr.write(  # type: ignore[attr-defined]
                f"created target {made['name']!r} (id {made['id']}, {made['target_class']})\n")


class ListTargetList(ListCells, ResourceLister):
    """List target lists"""

    resource = RESOURCE
    target_cells = TargetNamesColumn
    columns = ("name", "uuid", "targets", "modified")
    optional_columns = ("modified",)
    filters = (Option("--name", "name", metavar="NAME", help="Only the list with this name."),)


class ShowTargetList(TargetListArgument, ListCells, ResourceShow):
    """Show a target list and its targets, by name or UUID"""

    resource = RESOURCE


class CreateTargetList(TargetIds, ListCells, ResourceShowOne):
    """Create a target list of targets given by name or id"""

    resource = RESOURCE
    web_option = False

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        Option("--name", "name", required=True, metavar="NAME", help="Its name.").add_to(parser)
        TARGETS.add_to(parser)
        return parser

    def take_action(self, parsed_args: argparse.Namespace) -> tuple[tuple[str, ...], Any]:
        ids = self.target_ids(parsed_args, parsed_args.target or [])
        try:
            record = self.client(parsed_args).create(name=parsed_args.name, targets=ids)
        except ArcsecondError:
            self.undo(parsed_args)
            raise
        self.report()
        return self.show(record, parsed_args)


class ChangeTargetList(TargetIds, TargetListArgument, ListCells, ResourceShowOne):
    """Base of the commands that change one list and show it."""

    resource = RESOURCE
    web_option = False

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        self.add_target(parser)
        return parser

    def change(self, parsed_args: argparse.Namespace, client: Any, uuid: str) -> dict[str, Any]:
        raise NotImplementedError

    def take_action(self, parsed_args: argparse.Namespace) -> tuple[tuple[str, ...], Any]:
        client = self.client(parsed_args)
        uuid = client.find_id(parsed_args.target)
        try:
            record = self.change(parsed_args, client, uuid)
        except ArcsecondError:
            self.undo(parsed_args)
            raise
        self.report()
        return self.show(record, parsed_args)


class UpdateTargetList(ChangeTargetList):
    """Rename a target list, or give it a new list of targets"""

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        Option("--name", "name", metavar="NAME", help="The new name.").add_to(parser)
        parser.add_argument("--target", dest="target_options", action="append", default=None,
                            metavar="TARGET", help=TARGETS.help)
        return parser

    def change(self, parsed_args: argparse.Namespace, client: Any, uuid: str) -> dict[str, Any]:
        body: dict[str, Any] = {}
        if parsed_args.name is not None:
            body["name"] = parsed_args.name
        if parsed_args.target_options is not None:
            body["targets"] = self.target_ids(parsed_args, parsed_args.target_options)
        if not body:
            raise UsageError("nothing to update: give at least one of --name, --target")
        return client.update(uuid, **body)


class AddTargets(ChangeTargetList):
    """Add targets, by name or id, to a target list"""

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        parser.add_argument("names", nargs="+", metavar="TARGET",
                            help="A target's name or id; a name that is not yet a target is "
                                 "created, resolved by the server.")
        return parser

    def change(self, parsed_args: argparse.Namespace, client: Any, uuid: str) -> dict[str, Any]:
        return client.add_targets(uuid, self.target_ids(parsed_args, parsed_args.names))


class RemoveTargets(ChangeTargetList):
    """Take targets, by name or id, out of a target list (the targets stay)"""

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        parser.add_argument("names", nargs="+", metavar="TARGET", help="A target's name or id.")
        return parser

    def change(self, parsed_args: argparse.Namespace, client: Any, uuid: str) -> dict[str, Any]:
        ids = self.target_ids(parsed_args, parsed_args.names, create_missing=False)
        try:
            return client.remove_targets(uuid, ids)
        except ValueError as exc:
            raise ArcsecondError(f"{exc}: nothing removed") from None


class DeleteTargetList(TargetListArgument, ResourceDelete):
    """Delete target lists (their targets stay)"""

    resource = RESOURCE


class TargetListsOldForm(LegacyPlural):
    """Plural form of 'targetlist': targetlists [list|create|update|delete|NAME]"""

    noun = "targetlist"

