"""What every command shares: cheap construction, the lazy API, portal option, confirmations."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from cliff.columns import FormattableColumn
from cliff.command import Command

from arcsecond_core.errors import Forbidden, Unauthorized, UsageError

if TYPE_CHECKING:
    from arcsecond_core.api import ArcsecondAPI

UPLOAD_KEY_REASON = "you are logged in with an upload key, which only allows uploads: "
ACCESS_KEY_ADVICE = "log in with your access key ('arcsecond login --type access')"


class ArcsecondCommand(Command):
    """Base of every command: no per-run distribution scan, the API built on first use."""

    #: Show the ``-p/--portal`` option.
    portal_option: ClassVar[bool] = False
    #: Leave the command out of ``arcsecond --help`` (aliases).
    hidden: ClassVar[bool] = False

    def get_epilog(self) -> str:
        # cliff's version scans every installed distribution on each run; ours says only ours.
        return self._epilog or ""

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        if self.portal_option:
            add_portal_option(parser)
        return parser

    def run(self, parsed_args: argparse.Namespace) -> int:
        try:
            return super().run(parsed_args)
        except Unauthorized as exc:
            raise Unauthorized(f"{exc}: run 'arcsecond login'", exc.status_code, exc.payload) from exc
        except Forbidden as exc:
            if not self._uses_upload_key(parsed_args):
                raise
            why = "" if "upload key" in str(exc) else UPLOAD_KEY_REASON  # unless the server said
            raise Forbidden(f"{exc}; {why}{ACCESS_KEY_ADVICE}", exc.status_code, exc.payload) from exc

    def produce_output(self, parsed_args: argparse.Namespace, column_names: Any, data: Any) -> Any:
        """cliff's output, with blanks for missing values in tables and ``true``/``false`` in CSV."""
        from cliff.lister import Lister

        clean = _CELL_CLEANERS.get(getattr(parsed_args, "formatter", ""))
        if clean is not None:
            if isinstance(self, Lister):
                data = (tuple(clean(cell) for cell in row) for row in data)
            else:
                data = tuple(clean(cell) for cell in data)
        return super().produce_output(parsed_args, column_names, data)  # type: ignore[misc]

    def _uses_upload_key(self, parsed_args: argparse.Namespace) -> bool:
        """True when the key sent is an upload key (a likely reason for a 403)."""
        try:
            return self.api(parsed_args).key_type == "upload"
        except Exception:
            return False

    def api(self, parsed_args: argparse.Namespace | None = None) -> ArcsecondAPI:
        """The API of this run's server, inside the portal given with ``-p`` if any."""
        portal = getattr(parsed_args, "portal", None) if parsed_args is not None else None
        return self.app.api(portal)

    def confirm(self, question: str, assume_yes: bool) -> bool:
        """Ask ``question``; True with ``assume_yes``; refuse without a terminal."""
        return confirm(question, assume_yes=assume_yes, stdin=self.app.stdin, stderr=self.app.stderr)


def _blank_none(cell: Any) -> Any:
    return "" if cell is None else cell


def _csv_cell(cell: Any) -> Any:
    if isinstance(cell, FormattableColumn):
        cell = cell.machine_readable()
    if isinstance(cell, bool):
        return "true" if cell else "false"
    return cell


#: Per output format, how a cell is cleaned before cliff's formatter writes it.
_CELL_CLEANERS = {"table": _blank_none, "value": _blank_none, "csv": _csv_cell}


def add_portal_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "-p", "--portal", metavar="SUBDOMAIN", default=os.environ.get("ARCSECOND_PORTAL") or None,
        help="Work inside this organisation's portal (default: $ARCSECOND_PORTAL, else none).",
    )


def seconds_up_to(limit: float, words: str = "") -> Callable[[str], float]:
    """argparse type: a number of seconds from 0 to ``limit`` (``words`` name the limit)."""

    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
        if not 0 <= value <= limit:
            raise argparse.ArgumentTypeError(
                f"must be between 0 and {limit:.0f} seconds{f' ({words})' if words else ''}")
        return value

    return parse


#: Scan intervals and settle times: up to a day.
seconds = seconds_up_to(86400)


def positive_int(text: str) -> int:
    """argparse type: a whole number of 1 or more."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return value


def add_yes_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "-y", "--yes", action="store_true",
        help="Do not ask for confirmation (needed when standard input is not a terminal).",
    )


def confirm(question: str, *, assume_yes: bool, stdin: Any = None, stderr: Any = None) -> bool:
    """Ask a yes/no question on the terminal (default no).

    Without a terminal on stdin, refuse with a UsageError that names ``--yes``, so that
    unattended runs never hang and never act without being told to.
    """
    if assume_yes:
        return True
    stdin = stdin or sys.stdin
    stderr = stderr or sys.stderr
    if not (hasattr(stdin, "isatty") and stdin.isatty()):
        raise UsageError("confirmation needed but standard input is not a terminal: pass --yes")
    stderr.write(f"{question} [y/N] ")
    stderr.flush()
    answer = stdin.readline()
    return answer.strip().lower() in ("y", "yes")


class ColumnChoice:
    """``-c`` and ``--sort-column`` take API field names (cliff's normalisation too); an unknown
    one is a usage error. Works through cliff's public ``produce_output`` and ``parsed_args``."""

    def default_columns(
        self, parsed_args: argparse.Namespace, column_names: Sequence[str]
    ) -> list[str]:
        """The columns shown when ``-c`` is not given (all of them unless overridden)."""
        return list(column_names)

    def produce_output(
        self, parsed_args: argparse.Namespace, column_names: Sequence[str], data: Any
    ) -> int:
        column_names = list(column_names)
        sort_columns = getattr(parsed_args, "sort_columns", None) or []
        check_known_columns("sort column", sort_columns, column_names)
        requested = list(parsed_args.columns) or self.default_columns(parsed_args, column_names)
        check_known_columns("column", requested, column_names)
        wanted = {normalize_column_name(name) for name in requested}
        included = [name for name in column_names if normalize_column_name(name) in wanted]
        # cliff selects exactly these columns (none listed: every column).
        parsed_args.columns = [] if len(included) == len(column_names) else included
        return super().produce_output(parsed_args, column_names, data)  # type: ignore[misc]


def check_known_columns(what: str, requested: Sequence[str], column_names: Sequence[str]) -> None:
    """A UsageError naming the requested columns that are not among ``column_names``."""
    known = {normalize_column_name(name) for name in column_names}
    unknown = [name for name in requested if normalize_column_name(name) not in known]
    if unknown:
        raise UsageError(
            f"unknown {what}{'s' if len(unknown) > 1 else ''} {', '.join(map(repr, unknown))}: "
            f"choose among {', '.join(column_names)}"
        )


def normalize_column_name(name: str) -> str:
    """A column name as cliff compares them: ``Data Files`` and ``data-files`` are ``data_files``."""
    return name.lower().strip().replace(" ", "_").replace("-", "_")


class ListColumn(FormattableColumn):
    """A list shown as ``a, b`` to people and kept a list for machines."""

    def human_readable(self) -> str:
        return ", ".join(str(v) for v in self._value or [])

    def machine_readable(self) -> Any:
        return self._value


class DictColumn(FormattableColumn):
    """A mapping shown as ``k=v, ...`` to people and kept a mapping for machines."""

    def human_readable(self) -> str:
        return ", ".join(f"{k}={v}" for k, v in (self._value or {}).items())

    def machine_readable(self) -> Any:
        return self._value


def display_value(value: Any) -> Any:
    """Wrap lists and dicts so tables stay readable and JSON keeps their structure."""
    if isinstance(value, list):
        return ListColumn(value)
    if isinstance(value, dict):
        return DictColumn(value)
    return value


def terminal_width(stream: Any) -> int:
    """The width of the terminal ``stream`` writes to; 0 when unknown (a pty without a size)."""
    try:
        return os.get_terminal_size(stream.fileno()).columns
    except (AttributeError, OSError, ValueError):
        return 0


def open_in_browser(url: str, stderr: Any) -> None:
    """Open ``url`` in the browser, and say which URL (useful where there is no browser)."""
    import webbrowser

    stderr.write(f"opening {url}\n")
    try:
        webbrowser.open(url)
    except webbrowser.Error as exc:
        stderr.write(f"warning: could not open a browser: {exc}\n")


#: Pages of the public web site that the older clients opened (objects and exoplanets by name).
PUBLIC_SITE = "https://www.arcsecond.io"


def web_url(api: ArcsecondAPI, resource: str, object_id: Any | None = None) -> str:
    """The web page of a resource (or of one object): the cloud's web app, or the server's own.

    Any other server answers a browser at the API URL itself (with the portal prefix where the
    resource has one), so the page shows what the API holds there.
    """
    from urllib.parse import quote

    from arcsecond_core.config import CLOUD_URL

    ident = quote(str(object_id), safe="") if object_id is not None else None
    if api.profile.api_server == CLOUD_URL:
        if resource in ("objects", "exoplanets") and ident is not None:
            return f"{PUBLIC_SITE}/objects/{ident}"
        if resource == "activities":
            return f"{PUBLIC_SITE}/live/"
        portal = f"{api.portal}." if api.portal else ""
        return f"https://{portal}app.arcsecond.io/{resource}/" + (f"{ident}/" if ident is not None else "")
    try:
        client = api.resource(resource)
    except AttributeError:
        return api.session.url(resource + (f"/{ident}" if ident is not None else ""))
    return client.session.url(client.path + (f"/{ident}" if ident is not None else ""),
                              portal=client.portal_scoped)
