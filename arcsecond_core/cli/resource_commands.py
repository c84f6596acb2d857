"""Base classes that give every resource the same list/show/create/update/delete commands.

A resource plugin declares, per action, a small class::

    class ListDataset(ResourceLister):
        \"\"\"List datasets\"\"\"
        resource = "datasets"
        columns = ("uuid", "name", "data_files_count", "created")
        filters = (Option("--name", "name"), Option("--telescope", "telescope", lookup="telescopes"))

Output columns are API field names; ``-f json|yaml`` shows every field, tables show ``columns``
unless ``-c`` picks others.
"""

from __future__ import annotations

import argparse
import itertools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, ClassVar

from cliff.lister import Lister
from cliff.show import ShowOne

from arcsecond_core.cli.base import (
    ArcsecondCommand,
    add_yes_option,
    display_value,
    open_in_browser,
    web_url,
)
from arcsecond_core.errors import UsageError

MACHINE_FORMATS = frozenset({"json", "yaml"})
Row = tuple[Any, ...]


@dataclass(frozen=True)
class Option:
    """A command-line option that becomes an API filter (list) or field (create/update).

    ``lookup`` names the resource whose name-or-UUID the value is (resolved to its id);
    ``multiple`` makes a repeatable option whose values form a list; ``kind`` converts the text
    (``int``, ``float``, ``bool`` for ``--x/--no-x`` flags).
    """

    flag: str
    field: str
    help: str = ""
    lookup: str | None = None
    required: bool = False
    multiple: bool = False
    kind: Any = str
    metavar: str | None = None
    choices: tuple[str, ...] | None = None
    extra_flags: tuple[str, ...] = field(default_factory=tuple)

    @property
    def dest(self) -> str:
        return self.flag.lstrip("-").replace("-", "_")

    def add_to(self, parser: argparse.ArgumentParser, *, required: bool | None = None) -> None:
        required = self.required if required is None else required
        help_text = self.help or f"The {self.field.replace('_', ' ')}."
        if self.kind is bool:
            parser.add_argument(
                self.flag, *self.extra_flags, dest=self.dest,
                action=argparse.BooleanOptionalAction, default=None, help=help_text,
            )
            return
        parser.add_argument(
            self.flag, *self.extra_flags, dest=self.dest, required=required,
            action="append" if self.multiple else "store",
            metavar=self.metavar or self.field.upper(), choices=self.choices,
            type=self.kind, default=None, help=help_text,
        )

    def value(self, parsed_args: argparse.Namespace, command: ArcsecondCommand) -> Any:
        """The API value of this option, or None when it was not given."""
        raw = getattr(parsed_args, self.dest, None)
        if raw is None or self.lookup is None:
            return raw
        resource = command.api(parsed_args).resource(self.lookup)
        if self.multiple:
            return [resource.find_id(item) for item in raw]
        return resource.find_id(raw)


class ResourceCommand(ArcsecondCommand):
    """A command about one resource of the API (``resource`` is its name in ArcsecondAPI)."""

    resource: ClassVar[str] = ""
    portal_option = True
    #: Offer ``--open`` (the resource's web page).
    web_option: ClassVar[bool] = True

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        if self.web_option:
            parser.add_argument(
                "--open", action="store_true", help="Also open the web page in a browser."
            )
        return parser

    def client(self, parsed_args: argparse.Namespace) -> Any:
        return self.api(parsed_args).resource(self.resource)

    def find(self, parsed_args: argparse.Namespace, name_or_id: str) -> dict[str, Any]:
        return self.client(parsed_args).find(name_or_id)

    def maybe_open(self, parsed_args: argparse.Namespace, object_id: Any | None = None) -> None:
        if getattr(parsed_args, "open", False):
            url = web_url(self.api(parsed_args), self.resource, object_id)
            open_in_browser(url, self.app.stderr)


class ResourceLister(ResourceCommand, Lister):
    """List objects of a resource, following pagination to the end (or ``--limit``)."""

    columns: ClassVar[tuple[str, ...]] = ("uuid", "name")
    filters: ClassVar[tuple[Option, ...]] = ()

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        for option in self.filters:
            option.add_to(parser, required=False)
        parser.add_argument(
            "--limit", type=_positive_int, metavar="N", default=None,
            help="Show at most N objects (default: all, page after page).",
        )
        return parser

    def query(self, parsed_args: argparse.Namespace) -> dict[str, Any]:
        """The API filters given on the command line."""
        params = {}
        for option in self.filters:
            value = option.value(parsed_args, self)
            if value is not None:
                params[option.field] = value
        return params

    def fetch(self, parsed_args: argparse.Namespace) -> Iterator[dict[str, Any]]:
        """The objects to show (override to post-filter); lazy, page after page."""
        return self.client(parsed_args).list(limit=parsed_args.limit, **self.query(parsed_args))

    def take_action(self, parsed_args: argparse.Namespace) -> tuple[tuple[str, ...], Iterable[Row]]:
        items = self.fetch(parsed_args)
        first = next(items, None)
        columns = all_columns(first, self.columns)
        if not parsed_args.columns and parsed_args.formatter not in MACHINE_FORMATS:
            parsed_args.columns = [c for c in self.columns if c in columns]
        self.maybe_open(parsed_args)
        records = itertools.chain([first], items) if first is not None else iter(())
        return columns, (to_row(item, columns) for item in records)


class ResourceShowOne(ResourceCommand, ShowOne):
    """Base of commands that print one object with every API field."""

    def show(self, record: dict[str, Any]) -> tuple[tuple[str, ...], Row]:
        columns = tuple(record.keys())
        return columns, to_row(record, columns)


class ResourceShow(ResourceShowOne):
    """Show one object, by name or identifier."""

    #: The positional argument's metavar, e.g. ``DATASET``.
    argument: ClassVar[str] = "NAME_OR_UUID"

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        parser.add_argument("target", metavar=self.argument, help="Name or identifier.")
        return parser

    def take_action(self, parsed_args: argparse.Namespace) -> tuple[tuple[str, ...], Row]:
        record = self.find(parsed_args, parsed_args.target)
        client = self.client(parsed_args)
        self.maybe_open(parsed_args, record.get(client.id_field))
        return self.show(record)


class ResourceCreate(ResourceShowOne):
    """Create an object from options, and show it."""

    fields: ClassVar[tuple[Option, ...]] = ()
    web_option = False

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        for option in self.fields:
            option.add_to(parser)
        return parser

    def body(self, parsed_args: argparse.Namespace) -> dict[str, Any]:
        body = {}
        for option in self.fields:
            value = option.value(parsed_args, self)
            if value is not None:
                body[option.field] = value
        return body

    def take_action(self, parsed_args: argparse.Namespace) -> tuple[tuple[str, ...], Row]:
        return self.show(self.client(parsed_args).create(**self.body(parsed_args)))


class ResourceUpdate(ResourceCreate):
    """Change some fields of one object (PATCH), and show it."""

    argument: ClassVar[str] = "NAME_OR_UUID"

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        parser.add_argument("target", metavar=self.argument, help="Name or identifier.")
        return parser

    def take_action(self, parsed_args: argparse.Namespace) -> tuple[tuple[str, ...], Row]:
        body = self.body(parsed_args)
        if not body:
            flags = ", ".join(option.flag for option in self.fields)
            raise UsageError(f"nothing to update: give at least one of {flags}")
        client = self.client(parsed_args)
        object_id = client.find_id(parsed_args.target)
        return self.show(client.update(object_id, **body))


class ResourceDelete(ResourceCommand):
    """Delete objects, by name or identifier."""

    argument: ClassVar[str] = "NAME_OR_UUID"
    web_option = False
    #: Ask before deleting (``-y/--yes`` skips the question).
    confirm_deletion: ClassVar[bool] = False
    #: What the question says is lost, e.g. "and all its data files".
    consequence: ClassVar[str] = ""

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        parser.add_argument("targets", metavar=self.argument, nargs="+", help="Name or identifier.")
        if self.confirm_deletion:
            add_yes_option(parser)
        return parser

    def take_action(self, parsed_args: argparse.Namespace) -> int:
        client = self.client(parsed_args)
        records = [client.find(target) for target in parsed_args.targets]
        for record in records:
            object_id = record[client.id_field]
            label = record.get(client.name_field) if client.name_field else None
            described = f"{client.singular} {label!r} ({object_id})" if label else (
                f"{client.singular} {object_id}"
            )
            if self.confirm_deletion:
                question = f"Delete {described}{' ' + self.consequence if self.consequence else ''}?"
                if not self.confirm(question, getattr(parsed_args, "yes", False)):
                    self.app.stderr.write("not deleted\n")
                    return 1
            client.delete(object_id)
            self.app.stdout.write(f"deleted {described}\n")
        return 0


def all_columns(first: dict[str, Any] | None, preferred: Iterable[str]) -> tuple[str, ...]:
    """Every field of the first object (API order), plus the preferred columns it lacks."""
    columns = list(first.keys()) if first else []
    columns.extend(c for c in preferred if c not in columns)
    return tuple(columns)


def to_row(record: dict[str, Any], columns: Iterable[str]) -> Row:
    return tuple(display_value(record.get(column)) for column in columns)


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return value
