"""Base classes that give every resource the same list/show/create/update/delete commands.

A resource plugin declares, per action, a small class::

    class ListDataset(ResourceLister):
        \"\"\"List datasets\"\"\"
        resource = "datasets"
        columns = ("name", "uuid", "data_files_count", "created")
        filters = (Option("--name", "name"), Option("--telescope", "telescope", lookup="telescopes"))

Output columns are API field names; ``-f json|yaml`` shows every field, the other formats show
``columns`` unless ``-c`` picks others (any API field, checked against what the server sent).
"""

from __future__ import annotations

import argparse
import itertools
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

from cliff.lister import Lister
from cliff.show import ShowOne

from arcsecond_core.cli.base import (
    ArcsecondCommand,
    ColumnChoice,
    display_value,
    open_in_browser,
    positive_int,
    web_url,
)
from arcsecond_core.cli.columns import NameColumn, NameLookup, SizeColumn, TimeColumn
from arcsecond_core.cli.fit import fit, table_width
from arcsecond_core.errors import NotFound, UsageError

MACHINE_FORMATS = frozenset({"json", "yaml"})
#: The most objects the API returns in one page (``page_size``).
MAX_PAGE_SIZE = 1000
Row = tuple[Any, ...]
Cell = Callable[[Any], Any]
#: Fields shown as sizes (``25.0 MB``) in tables, and times (``2026-11-21 22:05``) in tables
#: on a terminal.
SIZE_FIELDS = frozenset({"size"})
TIME_FIELDS = frozenset({"created", "modified"})
#: Fields that link to another resource, shown by name in tables: field -> resource.
LINKED_FIELDS = {"telescope": "telescopes", "observing_site": "observingsites"}
#: Free-text fields that may wrap on a narrow terminal (identifiers and dates never do).
TEXT_FIELDS = ("name", "description", "file_name", "telescope", "observing_site", "role")


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


def option_values(
    options: Iterable[Option], parsed_args: argparse.Namespace, command: ArcsecondCommand
) -> dict[str, Any]:
    """The API fields (or filters) given on the command line, by field name."""
    values = {}
    for option in options:
        value = option.value(parsed_args, command)
        if value is not None:
            values[option.field] = value
    return values


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

    def cells(self, parsed_args: argparse.Namespace, *, with_id: bool = False) -> dict[str, Cell]:
        """How fields become cells: sizes, times and linked objects' names for people."""
        cells: dict[str, Cell] = {name: SizeColumn for name in SIZE_FIELDS}
        api = self.api(parsed_args)
        for name, resource in LINKED_FIELDS.items():
            if resource == self.resource:
                continue
            try:
                lookup = NameLookup(api.resource(resource))
            except AttributeError:  # the plugin declaring it is unavailable: show identifiers
                continue
            cells[name] = lambda value, lookup=lookup: NameColumn(value, lookup, with_id)
        return cells


class ResourceLister(ColumnChoice, ResourceCommand, Lister):
    """List objects of a resource, following pagination to the end (or ``--limit``)."""

    #: The table columns for people; machine formats show every field the API sends.
    columns: ClassVar[tuple[str, ...]] = ("uuid", "name")
    filters: ClassVar[tuple[Option, ...]] = ()
    #: Objects asked of the server per request (None: the server's default). Fewer, larger pages
    #: make long lists much faster; memory stays bounded by one page.
    page_size: ClassVar[int | None] = MAX_PAGE_SIZE
    #: Columns left out, in this order, while the table is wider than the terminal.
    optional_columns: ClassVar[tuple[str, ...]] = ()

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        for option in self.filters:
            option.add_to(parser, required=False)
        parser.add_argument(
            "--limit", type=positive_int, metavar="N", default=None,
            help="Show at most N objects (default: all, page after page).",
        )
        parser.add_argument(
            "--page-size", type=api_page_size, metavar="N", default=None,
            help=f"Ask the server for N objects per request (default: {self.page_size or 'its own'}, "
            f"at most {MAX_PAGE_SIZE}).",
        )
        # An empty result is an empty table (headers only), not silence.
        parser.set_defaults(print_empty=True)
        return parser

    def query(self, parsed_args: argparse.Namespace) -> dict[str, Any]:
        """The API filters given on the command line."""
        return option_values(self.filters, parsed_args, self)

    def fetch(self, parsed_args: argparse.Namespace) -> Iterator[dict[str, Any]]:
        """The objects to show (override to post-filter); lazy, page after page."""
        limit = parsed_args.limit
        page_size = parsed_args.page_size or self.page_size
        if limit and (page_size is None or limit < page_size):
            page_size = limit
        if page_size is not None:
            page_size = min(page_size, MAX_PAGE_SIZE)
        return self.client(parsed_args).list(limit=limit, page_size=page_size, **self.query(parsed_args))

    def default_columns(
        self, parsed_args: argparse.Namespace, column_names: Sequence[str]
    ) -> list[str]:
        if parsed_args.formatter in MACHINE_FORMATS:
            return list(column_names)
        return [name for name in self.columns if name in column_names]

    def take_action(self, parsed_args: argparse.Namespace) -> tuple[tuple[str, ...], Iterable[Row]]:
        items = self.fetch(parsed_args)
        first = next(items, None)
        if first is None:
            # Nothing to learn the fields from: accept the columns asked for, print no rows.
            asked = [*parsed_args.columns, *(getattr(parsed_args, "sort_columns", None) or [])]
            columns = tuple(dict.fromkeys([*self.columns, *asked]))
        elif parsed_args.formatter in MACHINE_FORMATS:
            columns = all_columns(first, self.columns)
        else:  # people read the chosen columns first, in their order
            columns = tuple(dict.fromkeys([*self.columns, *first.keys()]))
        self.maybe_open(parsed_args)
        records = itertools.chain([first], items) if first is not None else iter(())
        cells = self.cells(parsed_args)
        width = table_width(parsed_args) if parsed_args.formatter == "table" else 0
        if width:  # on a terminal, times to the minute
            cells.update({name: TimeColumn for name in TIME_FIELDS})
        rows = (to_row(item, columns, cells) for item in records)
        if width and first is not None and not parsed_args.columns:
            shown = tuple(name for name in self.columns if name in columns)
            rows = (row[:len(shown)] for row in rows)  # the chosen columns come first
            kept = set(getattr(parsed_args, "sort_columns", None) or ())
            optional = tuple(name for name in self.optional_columns if name not in kept)
            return fit(shown, rows, width, optional=optional, wrappable=TEXT_FIELDS)
        return columns, rows


class ResourceShowOne(ColumnChoice, ResourceCommand, ShowOne):
    """Base of commands that print one object with every API field."""

    def show(
        self, record: dict[str, Any], parsed_args: argparse.Namespace | None = None
    ) -> tuple[tuple[str, ...], Row]:
        columns = tuple(record.keys())
        cells = self.cells(parsed_args, with_id=True) if parsed_args is not None else None
        return columns, to_row(record, columns, cells)


class TargetArgument:
    """The positional argument naming the object(s) a command is about."""

    #: Its metavar, e.g. ``DATASET``.
    argument: ClassVar[str] = "NAME_OR_UUID"
    #: Its help text.
    argument_help: ClassVar[str] = "Name or UUID."
    #: Converts the text (e.g. ``identifier`` for integer ids; argparse reports bad values).
    argument_type: ClassVar[Any] = str

    def add_target(self, parser: argparse.ArgumentParser, *, many: bool = False) -> None:
        parser.add_argument(
            "targets" if many else "target", metavar=self.argument, nargs="+" if many else None,
            type=self.argument_type, help=self.argument_help,
        )


def api_page_size(text: str) -> int:
    """argparse type: a page size, from 1 to the API's maximum."""
    value = positive_int(text)
    if value > MAX_PAGE_SIZE:
        raise argparse.ArgumentTypeError(f"{value} is over the API's maximum of {MAX_PAGE_SIZE}")
    return value


def identifier(text: str) -> int:
    """An integer identifier (data files, observations...); argparse's type for them."""
    if not text.isdigit():
        raise argparse.ArgumentTypeError(f"{text!r} is not an identifier (a whole number)")
    return int(text)


class ResourceShow(TargetArgument, ResourceShowOne):
    """Show one object, by name or identifier."""

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        self.add_target(parser)
        return parser

    def take_action(self, parsed_args: argparse.Namespace) -> tuple[tuple[str, ...], Row]:
        record = self.find(parsed_args, parsed_args.target)
        client = self.client(parsed_args)
        self.maybe_open(parsed_args, record.get(client.id_field))
        return self.show(record, parsed_args)


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
        return option_values(self.fields, parsed_args, self)

    def take_action(self, parsed_args: argparse.Namespace) -> tuple[tuple[str, ...], Row]:
        return self.show(self.client(parsed_args).create(**self.body(parsed_args)), parsed_args)


class ResourceUpdate(TargetArgument, ResourceShowOne):
    """Change some fields of one object (PATCH), and show it."""

    fields: ClassVar[tuple[Option, ...]] = ()
    web_option = False

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        self.add_target(parser)
        for option in self.fields:
            option.add_to(parser, required=False)
        return parser

    def body(self, parsed_args: argparse.Namespace) -> dict[str, Any]:
        return option_values(self.fields, parsed_args, self)

    def take_action(self, parsed_args: argparse.Namespace) -> tuple[tuple[str, ...], Row]:
        client = self.client(parsed_args)
        object_id = client.find_id(parsed_args.target)
        body = self.body(parsed_args)
        if not body:
            flags = ", ".join(option.flag for option in self.fields)
            raise UsageError(f"nothing to update: give at least one of {flags}")
        try:
            return self.show(client.update(object_id, **body), parsed_args)
        except NotFound as exc:
            where = f" in portal {client.session.portal!r}" if client.session.portal else ""
            raise NotFound(
                f"no {client.singular} {str(object_id)!r} on {client.session.base_url}{where}",
                exc.status_code, exc.payload,
            ) from exc


def all_columns(first: dict[str, Any] | None, preferred: Iterable[str]) -> tuple[str, ...]:
    """Every field of the first object (API order), plus the preferred columns it lacks."""
    columns = list(first.keys()) if first else []
    columns.extend(c for c in preferred if c not in columns)
    return tuple(columns)


def to_row(
    record: dict[str, Any], columns: Iterable[str], cells: dict[str, Cell] | None = None
) -> Row:
    """The cells of ``columns``; ``cells`` maps a field to what shows it (None stays None)."""
    cells = cells or {}
    row = []
    for column in columns:
        value = record.get(column)
        make = cells.get(column)
        row.append(make(value) if make is not None and value is not None else display_value(value))
    return tuple(row)

