"""``arcsecond api ...``: the API servers the client knows, and which one is current."""

from __future__ import annotations

import argparse
from typing import Any

from cliff.lister import Lister
from cliff.show import ShowOne

from arcsecond_core.cli.base import ArcsecondCommand, ColumnChoice
from arcsecond_core.config import Config
from arcsecond_core.masking import mask


def _config() -> Config:
    return Config()


class ListServers(ColumnChoice, ArcsecondCommand, Lister):
    """List the configured API servers and which one is current"""

    def take_action(self, parsed_args: argparse.Namespace) -> tuple[tuple[str, ...], list[Any]]:
        config = _config()
        current = config.current_name(self.app.options.api)
        columns = ("name", "api_server", "current", "username", "key_type", "key")
        rows = [
            (p.name, p.api_server, p.name == current, p.username, p.key_type, mask(p.key))
            for p in config.servers()
        ]
        return columns, rows


class AddServer(ColumnChoice, ArcsecondCommand, ShowOne):
    """Add an API server (or change the URL of one), keeping its keys"""

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        parser.add_argument("name", help="A short name for the server, e.g. 'local'.")
        parser.add_argument("url", help="Its base URL, e.g. http://127.0.0.1:8000.")
        parser.add_argument(
            "--use", action="store_true", help="Also make it the current server."
        )
        return parser

    def take_action(self, parsed_args: argparse.Namespace) -> tuple[tuple[str, ...], tuple]:
        config = _config()
        profile = config.add_server(parsed_args.name, parsed_args.url)
        if parsed_args.use:
            config.use(profile.name)
        current = config.current_name() == profile.name
        return ("name", "api_server", "current"), (profile.name, profile.api_server, current)


class UseServer(ArcsecondCommand):
    """Make an API server the current one, after checking that it answers"""

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        parser.add_argument("name", help="The server's name (see 'arcsecond api list').")
        parser.add_argument(
            "--no-check", action="store_true", help="Do not check that the server answers."
        )
        return parser

    def take_action(self, parsed_args: argparse.Namespace) -> int:
        config = _config()
        profile = config.server(parsed_args.name)
        if not parsed_args.no_check:
            check_server_answers(profile.api_server)
        config.use(profile.name)
        self.app.stdout.write(f"now using {profile.name} ({profile.api_server})\n")
        return 0


def check_server_answers(url: str) -> None:
    """Raise ConnectionFailed (or ServerError) unless the server at ``url`` answers ``GET /``."""
    from arcsecond_core.errors import HTTPError, ServerError
    from arcsecond_core.session import ArcsecondSession

    session = ArcsecondSession(url, retries=1, timeout=15.0)
    try:
        session.request("GET", "", authenticated=False, portal=False)
    except ServerError:
        raise
    except HTTPError:
        pass  # it answered, if only to say no: that is a server
    finally:
        session.close()


class RemoveServer(ArcsecondCommand):
    """Remove an API server and the keys saved for it"""

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        parser.add_argument("name", help="The server's name.")
        return parser

    def take_action(self, parsed_args: argparse.Namespace) -> int:
        _config().remove_server(parsed_args.name)
        self.app.stdout.write(f"removed {parsed_args.name}\n")
        return 0
