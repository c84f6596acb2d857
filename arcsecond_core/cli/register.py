"""``arcsecond register``: create an account on servers that allow it, and log in with it."""

from __future__ import annotations

import argparse
import getpass

from arcsecond_core import errors
from arcsecond_core.cli.base import ArcsecondCommand
from arcsecond_core.cli.identity import refuse
from arcsecond_core.config import Config
from arcsecond_core.masking import mask

TERMS = "https://www.arcsecond.io/terms"


class Register(ArcsecondCommand):
    """Create an account on the current API server (username, e-mail, password) and log in"""

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        parser.add_argument("--username", "-u", help="The username you want (asked if missing).")
        parser.add_argument("--email", help="Your e-mail address (asked if missing).")
        parser.add_argument(
            "--accept-terms", action="store_true",
            help=f"Agree to the terms of use ({TERMS}) without being asked.",
        )
        return parser

    def take_action(self, parsed_args: argparse.Namespace) -> int:
        config = Config()
        profile = config.current(self.app.options.api)
        username = parsed_args.username or self._line("Username: ")
        email = parsed_args.email or self._line("E-mail: ")
        password = self._secret("Password: ")
        again = self._secret("Password (again): ")
        if not parsed_args.accept_terms:
            answer = self._line(f"Do you agree to the terms of use ({TERMS})? [y/N] ")
            if answer.lower() not in ("y", "yes"):
                raise errors.UsageError("the terms of use must be accepted to register")
        if not username or not email or not password:
            raise errors.UsageError("a username, an e-mail address and a password are needed")
        from arcsecond_core.accounts import Registration, register

        try:
            saved = register(Registration(username, email, password, again),
                             server=profile.name, config=config)
        except errors.HTTPError as exc:
            refuse("registration refused by", profile, exc)
        self.app.stdout.write(
            f"registered and logged in as {username} on {profile.name} ({profile.api_server}) "
            f"with the access key {mask(saved.access_key)}\n"
        )
        return 0

    def _interactive(self) -> bool:
        stdin = self.app.stdin
        return hasattr(stdin, "isatty") and stdin.isatty()

    def _line(self, prompt: str) -> str:
        if self._interactive():
            self.app.stderr.write(prompt)
            self.app.stderr.flush()
        line = self.app.stdin.readline()
        if not line and not self._interactive():
            raise errors.UsageError(f"{prompt.split('?')[0].strip(': ').lower()} missing: "
                                    "standard input ended")
        return line.strip()

    def _secret(self, prompt: str) -> str:
        if self._interactive():
            return getpass.getpass(prompt)
        return self._line(prompt)
