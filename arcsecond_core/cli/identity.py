"""``arcsecond login``, ``logout`` and ``whoami``: the user and key of the current server."""

from __future__ import annotations

import argparse
import getpass
from typing import Any, NoReturn

from cliff.columns import FormattableColumn
from cliff.show import ShowOne

from arcsecond_core import errors
from arcsecond_core.cli.base import ArcsecondCommand, ColumnChoice
from arcsecond_core.config import KEY_TYPES, Config
from arcsecond_core.masking import mask

ASK = object()


class Login(ArcsecondCommand):
    """Log in to the current API server with a personal access or upload key"""

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        parser.add_argument("--username", "-u", help="Your Arcsecond username (asked if missing).")
        parser.add_argument(
            "--type", "-t", dest="key_type", choices=KEY_TYPES, default="access",
            help="Which key: 'access' (full access) or 'upload' (uploads only). Default: access.",
        )
        parser.add_argument(
            "--key", "-k",
            help="The key, from your profile page (asked without echo if missing; "
            "read from standard input when it is not a terminal).",
        )
        parser.add_argument(
            "--password", nargs="?", const=ASK, default=None, metavar="PASSWORD",
            help="Log in with your password instead of a key: both keys are fetched and saved, "
            "never the password (asked without echo when no value is given; read from standard "
            "input when it is not a terminal).",
        )
        # The older CLI's spellings: --upload_key K, --access_key K, --api_key K (and dashed).
        for flag, key_type in (("--upload_key", "upload"), ("--upload-key", "upload"),
                               ("--access_key", "access"), ("--access-key", "access"),
                               ("--api_key", "access"), ("--api-key", "access")):
            parser.add_argument(flag, dest=f"old_{key_type}_key", default=None,
                                help=argparse.SUPPRESS)
        return parser

    def take_action(self, parsed_args: argparse.Namespace) -> int:
        config = Config()
        profile = config.current(self.app.options.api)
        _old_key_options(parsed_args)
        username = parsed_args.username or self._ask("Username: ", secret=False)
        if parsed_args.password is not None:
            return self._with_password(config, profile, username, parsed_args.password)
        key = parsed_args.key or self._ask(f"{parsed_args.key_type.capitalize()} key: ", secret=True)
        if not username or not key:
            raise errors.UsageError("a username and a key are both needed")
        from arcsecond_core.api import ArcsecondAPI

        api = ArcsecondAPI(api_server=profile.api_server, server=profile.name,
                           timeout=self.app.options.timeout)
        try:
            api.verify_key(username, key)
        except errors.HTTPError as exc:
            refuse("login failed on", profile, exc, " (nothing was saved)")
        finally:
            api.close()
        config.save_key(profile.name, username, parsed_args.key_type, key)
        self.app.stdout.write(
            f"logged in as {username} on {profile.name} ({profile.api_server}) "
            f"with the {parsed_args.key_type} key {mask(key)}\n"
        )
        return 0

    def _with_password(self, config: Config, profile: Any, username: str, password: Any) -> int:
        if password is ASK:
            password = self._ask("Password: ", secret=True)
        if not username or not password:
            raise errors.UsageError("a username and a password are both needed")
        from arcsecond_core.accounts import login_with_password

        try:
            saved = login_with_password(username, password, server=profile.name, config=config,
                                        timeout=self.app.options.timeout)
        except errors.HTTPError as exc:
            refuse("login failed on", profile, exc, " (nothing was saved)")
        self.app.stdout.write(
            f"logged in as {username} on {profile.name} ({profile.api_server}) "
            f"with the access key {mask(saved.access_key)} "
            f"(upload key {mask(saved.upload_key)} saved too)\n"
        )
        return 0

    def _ask(self, prompt: str, *, secret: bool) -> str:
        stdin = self.app.stdin
        if not (hasattr(stdin, "isatty") and stdin.isatty()):
            if secret:
                return stdin.readline().strip()
            raise errors.UsageError(f"{prompt.strip(': ').lower()} missing: pass it as an option")
        if secret:
            return getpass.getpass(prompt).strip()
        self.app.stderr.write(prompt)
        self.app.stderr.flush()
        return stdin.readline().strip()


def _old_key_options(parsed_args: argparse.Namespace) -> None:
    """``--upload_key K`` and the like: the key and its type, as ``--key`` and ``--type`` say."""
    for key_type in ("upload", "access"):
        value = getattr(parsed_args, f"old_{key_type}_key", None)
        if value is not None:
            if parsed_args.key and parsed_args.key != value:
                raise errors.UsageError("give one key only")
            parsed_args.key, parsed_args.key_type = value, key_type


class Logout(ArcsecondCommand):
    """Forget the username and keys saved for the current API server"""

    def take_action(self, parsed_args: argparse.Namespace) -> int:
        config = Config()
        name = config.current_name(self.app.options.api)
        config.server(name)
        if config.clear_keys(name):
            self.app.stdout.write(f"logged out of {name}\n")
        else:
            self.app.stdout.write(f"not logged in on {name}: nothing to do\n")
        return 0


class WhoAmI(ColumnChoice, ArcsecondCommand, ShowOne):
    """Show who you are on the current API server, with which key (masked) and portals"""

    def take_action(self, parsed_args: argparse.Namespace) -> tuple[tuple[str, ...], tuple]:
        api = self.api()
        profile = api.profile
        if not profile.username or not profile.key:
            raise errors.NotLoggedIn(
                f"not logged in on {profile.name} ({profile.api_server}): run 'arcsecond login'"
            )
        columns: list[str] = ["username", "server", "api_server", "key_type", "key"]
        values: list[Any] = [
            profile.username, profile.name, profile.api_server, profile.key_type, mask(profile.key)
        ]
        try:
            me = api.me()
        except errors.Forbidden:
            me = None  # an upload key may not be allowed to read the profile
        if me is not None:
            columns += ["email", "memberships"]
            values += [me.get("email"), _memberships(me)]
        return tuple(columns), tuple(values)


class MembershipsColumn(FormattableColumn):
    """Portals and roles: ``lasilla (admin), ...`` for people, a list of objects for machines."""

    def human_readable(self) -> str:
        return ", ".join(f"{m['portal']} ({m['role']})" for m in self._value)

    def machine_readable(self) -> Any:
        return self._value


def _memberships(profile: dict[str, Any]) -> MembershipsColumn:
    memberships = []
    for membership in profile.get("memberships") or []:
        organisation = membership.get("organisation") or {}
        memberships.append({"portal": organisation.get("subdomain", "?"),
                            "role": membership.get("role", "member")})
    return MembershipsColumn(memberships)


def reason(exc: errors.HTTPError) -> str:
    """The server's words for a refusal: its ``detail``, else its field errors."""
    payload = exc.payload
    if isinstance(payload, dict) and payload.get("detail"):
        return str(payload["detail"])
    fields = getattr(exc, "fields", None)
    if fields:
        return "; ".join(" ".join(messages) for messages in fields.values())
    return str(exc)


def refuse(what: str, profile: Any, exc: errors.HTTPError, after: str = "") -> NoReturn:
    """Raise one line for a login or a registration the server refused (``what`` the server's
    ``name (URL)``: the reason``after``); a server error (5xx) is raised as it is."""
    if exc.status_code >= 500:
        raise exc
    raise errors.ArcsecondError(
        f"{what} {profile.name} ({profile.api_server}): {reason(exc).rstrip('.')}{after}"
    ) from exc
