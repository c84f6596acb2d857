"""The ``arcsecond server ...`` commands; heavy modules are imported only when a command runs."""

from __future__ import annotations

import argparse
from typing import Any

from cliff.command import Command
from cliff.show import ShowOne

from arcsecond_core.cli.base import positive_int


def _data_dir_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--data-dir", metavar="DIR", default=None,
        help="Server data directory (default: $XDG_DATA_HOME/arcsecond-server, else "
             "~/.local/share/arcsecond-server).",
    )


def _number(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None


ASK = object()


def ask_password(stdin: Any, stderr: Any) -> str:
    """A password typed twice without echo, or one line of standard input when it is a pipe."""
    from arcsecond_core.errors import UsageError

    if not (hasattr(stdin, "isatty") and stdin.isatty()):
        password = stdin.readline().rstrip("\r\n")
    else:
        import getpass

        password = getpass.getpass("Password: ")
        if getpass.getpass("Password (again): ") != password:
            raise UsageError("the two passwords differ")
    if not password:
        raise UsageError("the password may not be empty")
    return password


def _seconds(text: str) -> float:
    value = _number(text)
    if not 0 < value <= 86400:
        raise argparse.ArgumentTypeError(f"expected seconds between 0 and 86400: {text!r}")
    return value


class _Quick:
    """Skip cliff's scan of every installed distribution for the epilog."""

    _epilog: str | None = None

    def get_epilog(self) -> str:
        return self._epilog or ""


class _AdminShowOne(_Quick, ShowOne):
    """A ShowOne that acts on a data directory through the admin functions."""

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        _data_dir_option(parser)
        parser.add_argument("--create", action="store_true",
                            help="Create the data directory if it does not exist.")
        return parser

    def take_action(self, parsed_args: argparse.Namespace) -> tuple[tuple[str, ...], tuple]:
        import sqlite3

        from arcsecond_core.errors import ArcsecondError

        from . import admin

        db = admin.open_db(parsed_args.data_dir, parsed_args.create)
        try:
            data = self.act(admin, db, parsed_args)
        except sqlite3.Error as error:
            raise ArcsecondError(f"database error in {db.path}: {error}") from None
        finally:
            db.close()
        from arcsecond_core.cli.base import display_value

        return tuple(data), tuple(display_value(value) for value in data.values())

    def act(self, admin: Any, db: Any, args: argparse.Namespace) -> dict[str, Any]:
        raise NotImplementedError


class StartServer(_Quick, Command):
    """Run an Arcsecond-compatible server in the foreground until interrupted"""

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        parser.add_argument(
            "--host", default=None,
            help="Address to listen on (default: $ARCSECOND_SERVER_HOST, else 127.0.0.1; "
                 "a non-loopback default is refused, give --host to expose the server).",
        )
        parser.add_argument("--port", type=int, default=8000,
                            help="TCP port (default: 8000; 0 picks a free one).")
        _data_dir_option(parser)
        parser.add_argument(
            "--fault-rate", type=_number, default=0.0, metavar="R",
            help="Testing aid: answer a fraction R (0-1) of requests with 500, 503 or a dropped "
                 "connection, chosen before any change (GET / is never failed).",
        )
        parser.add_argument("--access-log", action="store_true",
                            help="Log every request on standard error.")
        parser.add_argument(
            "--registration", choices=("auto", "open", "closed"), default="auto",
            help="Whether 'auth/registration/' creates accounts: auto (the default) allows it "
                 "only when the server listens on a loopback address.",
        )
        parser.add_argument("--threads", type=positive_int, default=32, metavar="N",
                            help="Worker threads, the most requests served at once (default: 32).")
        parser.add_argument("--timeout", type=_seconds, default=30.0, metavar="S",
                            help="Seconds an idle keep-alive connection or a stalled request "
                                 "body is kept (default: 30); a request's head must arrive "
                                 "within min(S, 10) seconds, 2 while unfinished heads hold half "
                                 "the threads.")
        parser.add_argument("--grace", type=_seconds, default=30.0, metavar="S",
                            help="On SIGTERM or Ctrl-C, seconds requests in progress get to "
                                 "finish before their connections are cut (default: 30).")
        return parser

    def take_action(self, parsed_args: argparse.Namespace) -> int:
        from pathlib import Path

        from .admin import default_data_dir
        from .engine import Limits
        from .serve import serve

        data_dir = Path(parsed_args.data_dir) if parsed_args.data_dir else default_data_dir()
        limits = Limits(threads=parsed_args.threads, timeout=parsed_args.timeout,
                        head_timeout=min(parsed_args.timeout, 10.0),
                        shutdown_timeout=parsed_args.grace)
        return serve(parsed_args.host, parsed_args.port, data_dir, parsed_args.fault_rate,
                     parsed_args.access_log, out=self.app.stdout, limits=limits,
                     registration=parsed_args.registration)


class AddUser(_AdminShowOne):
    """Create a user of the server with a fresh access key and upload key"""

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        parser.add_argument("username", metavar="USERNAME")
        parser.add_argument("--email", default="", help="The user's e-mail address.")
        parser.add_argument("--first-name", default="", help="The user's first name.")
        parser.add_argument("--last-name", default="", help="The user's last name.")
        parser.add_argument(
            "--password", nargs="?", const=ASK, default=None, metavar="PASSWORD",
            help="Let the user log in with a password too (asked without echo when no value is "
                 "given; read from standard input when it is not a terminal). Only a salted hash "
                 "is stored.",
        )
        return parser

    def act(self, admin: Any, db: Any, args: argparse.Namespace) -> dict[str, Any]:
        password = args.password
        if password is ASK:
            password = ask_password(self.app.stdin, self.app.stderr)
        return admin.add_user(db, args.username, args.email, password=password,
                              first_name=args.first_name, last_name=args.last_name)


class AddSite(_AdminShowOne):
    """Create an observing site (east longitudes positive)"""

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        parser.add_argument("name", metavar="NAME")
        parser.add_argument("--longitude", type=_number, required=True, metavar="L",
                            help="Degrees, east positive (-180 to 180).")
        parser.add_argument("--latitude", type=_number, required=True, metavar="B",
                            help="Degrees, north positive (-90 to 90).")
        parser.add_argument("--height", type=_number, default=None, metavar="H",
                            help="Metres above sea level.")
        parser.add_argument("--time-zone", default=None, metavar="TZ",
                            help="IANA time zone, e.g. America/Santiago (default: mean solar "
                                 "time from the longitude).")
        return parser

    def act(self, admin: Any, db: Any, args: argparse.Namespace) -> dict[str, Any]:
        return admin.add_site(db, args.name, args.longitude, args.latitude, args.height,
                              args.time_zone)


class AddTelescope(_AdminShowOne):
    """Create a telescope at an observing site, owned by a user, a portal or nobody (public)"""

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        parser.add_argument("name", metavar="NAME")
        parser.add_argument("--site", required=True, metavar="SITE",
                            help="The observing site's uuid or name.")
        owner = parser.add_mutually_exclusive_group()
        owner.add_argument("--owner", metavar="USERNAME", help="The user owning it.")
        owner.add_argument("--portal", metavar="SUBDOMAIN", help="The portal owning it.")
        return parser

    def act(self, admin: Any, db: Any, args: argparse.Namespace) -> dict[str, Any]:
        return admin.add_telescope(db, args.name, args.site, args.owner, args.portal)


class AddPortal(_AdminShowOne):
    """Create a portal (organisation) with members, or add members to an existing one"""

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        parser.add_argument("subdomain", metavar="SUBDOMAIN")
        parser.add_argument("--name", default=None, help="Display name (default: the subdomain).")
        parser.add_argument("--member", action="append", required=True, metavar="USERNAME[:ROLE]",
                            help="A member, role admin, member (default) or viewer (read-only); "
                                 "repeat for more.")
        return parser

    def act(self, admin: Any, db: Any, args: argparse.Namespace) -> dict[str, Any]:
        return admin.add_portal(db, args.subdomain, args.name, args.member)


class Demo(_AdminShowOne):
    """Create (or show again, if they exist) a demo user, site, telescope and portal"""

    def act(self, admin: Any, db: Any, args: argparse.Namespace) -> dict[str, Any]:
        return admin.demo(db)
