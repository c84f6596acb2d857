"""The configuration file: API servers, the current one, and the keys for each (0600, atomic writes).

The format is the one the public Arcsecond client uses, so a user can switch without losing their
login: one INI section per API server with ``api_server``, ``username``, ``access_key`` (legacy
``api_key`` is read too) and ``upload_key`` (and, for this client, ``bwlimit``: the
transfers' bandwidth timetable); ``[cloud]`` always means https://api.arcsecond.io;
``[cli] api = NAME`` records the current server.
"""

from __future__ import annotations

import configparser
import contextlib
import io
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from arcsecond_core.errors import ConfigError, UsageError
from arcsecond_core.filemodes import set_mode

CLOUD_NAME = "cloud"
CLOUD_URL = "https://api.arcsecond.io"
CLI_SECTION = "cli"
CONFIG_FILE_NAME = "config.ini"
KEY_TYPES = ("access", "upload")
_KEY_OPTIONS = {"access": "access_key", "upload": "upload_key"}
_LEGACY_ACCESS_OPTION = "api_key"


def config_dir() -> Path:
    """The configuration directory: ``$ARCSECOND_CONFIG_DIR`` or ``~/.config/arcsecond``."""
    override = os.environ.get("ARCSECOND_CONFIG_DIR")
    if override:
        return Path(override).expanduser()
    return Path.home() / ".config" / "arcsecond"


@dataclass(frozen=True)
class ServerProfile:
    """One API server as configured: its URL and the keys saved for it."""

    name: str
    api_server: str
    username: str | None = None
    access_key: str | None = None
    upload_key: str | None = None
    #: ``bwlimit = 08:00,512K 19:00,off``: the transfers' bandwidth cap on this server, for
    #: machines that upload unattended (``--bwlimit`` overrides it).
    bwlimit: str | None = None

    @property
    def key_type(self) -> str | None:
        """The key the client sends: ``access`` when there is one, else ``upload``, else None."""
        if self.access_key:
            return "access"
        if self.upload_key:
            return "upload"
        return None

    @property
    def key(self) -> str | None:
        """The key the client sends (the access key is preferred over the upload key)."""
        return self.access_key or self.upload_key


class Config:
    """Reads and writes ``config.ini``; every write is atomic and the file is kept 0600."""

    def __init__(self, directory: Path | str | None = None) -> None:
        self.directory = Path(directory) if directory is not None else config_dir()
        self.path = self.directory / CONFIG_FILE_NAME
        self._parser = configparser.RawConfigParser()
        self._load()

    def _load(self) -> None:
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return
        except OSError as exc:
            raise ConfigError(f"cannot read {self.path}: {exc.strerror or exc}") from exc
        except UnicodeDecodeError as exc:
            raise ConfigError(f"{self.path} is not a text file ({exc.reason})") from exc
        try:
            self._parser.read_string(text, source=str(self.path))
        except configparser.Error as exc:
            raise ConfigError(_describe_parse_error(self.path, exc)) from exc

    # -- servers ---------------------------------------------------------------------------

    def server_names(self) -> list[str]:
        """Every configured server name; ``cloud`` is always there."""
        names = [s for s in self._parser.sections() if s != CLI_SECTION]
        return names if CLOUD_NAME in names else [CLOUD_NAME, *names]

    def has_server(self, name: str) -> bool:
        return name == CLOUD_NAME or (name != CLI_SECTION and self._parser.has_section(name))

    def server(self, name: str) -> ServerProfile:
        """The profile of server ``name``; ConfigError if it is not configured."""
        if not self.has_server(name):
            raise ConfigError(
                f"no API server named {name!r} in {self.path} (see 'arcsecond api list')"
            )
        section = self._parser[name] if self._parser.has_section(name) else {}
        url = CLOUD_URL if name == CLOUD_NAME else section.get("api_server", "")
        if not url:
            raise ConfigError(f"section [{name}] of {self.path} has no api_server")
        return ServerProfile(
            name=name,
            api_server=url.rstrip("/"),
            username=section.get("username") or None,
            access_key=section.get("access_key") or section.get(_LEGACY_ACCESS_OPTION) or None,
            upload_key=section.get("upload_key") or None,
            bwlimit=section.get("bwlimit") or None,
        )

    def servers(self) -> list[ServerProfile]:
        return [self.server(name) for name in self.server_names()]

    def current_name(self, override: str | None = None) -> str:
        """The server in use: ``override`` (``--api``), else ``$ARCSECOND_API``, else ``[cli] api``."""
        name = override or os.environ.get("ARCSECOND_API") or self._parser.get(
            CLI_SECTION, "api", fallback=CLOUD_NAME
        )
        return name or CLOUD_NAME

    def current(self, override: str | None = None) -> ServerProfile:
        return self.server(self.current_name(override))

    def cli_value(self, key: str) -> str | None:
        """The raw text of ``[cli] key``, or None when it is not set."""
        return self._parser.get(CLI_SECTION, key, fallback=None)

    # -- changes (each one saved at once, atomically) ---------------------------------------

    def add_server(self, name: str, url: str) -> ServerProfile:
        """Add (or re-point) server ``name`` at ``url``; the keys of an existing one are kept."""
        _check_server_name(name)
        if name == CLOUD_NAME:
            raise UsageError(f"'{CLOUD_NAME}' always means {CLOUD_URL} and cannot be changed")
        if not url.startswith(("http://", "https://")):
            raise UsageError(f"the URL must start with http:// or https:// (got {url!r})")
        if not self._parser.has_section(name):
            self._parser.add_section(name)
        self._parser.set(name, "api_server", url.rstrip("/"))
        self.save()
        return self.server(name)

    def remove_server(self, name: str) -> None:
        if not self.has_server(name) or not self._parser.has_section(name):
            raise ConfigError(f"no API server named {name!r} in {self.path}")
        self._parser.remove_section(name)
        if self._parser.get(CLI_SECTION, "api", fallback=None) == name:
            self._parser.remove_option(CLI_SECTION, "api")
        self.save()

    def use(self, name: str) -> None:
        """Make ``name`` the current server."""
        self.server(name)
        if not self._parser.has_section(CLI_SECTION):
            self._parser.add_section(CLI_SECTION)
        self._parser.set(CLI_SECTION, "api", name)
        self.save()

    def save_key(self, name: str, username: str, key_type: str, key: str) -> ServerProfile:
        """Save ``key`` as the ``key_type`` key of ``username`` on server ``name``."""
        if key_type not in KEY_TYPES:
            raise UsageError(f"key type must be one of {', '.join(KEY_TYPES)}")
        self.server(name)
        if not self._parser.has_section(name):
            self._parser.add_section(name)
        section = self._parser[name]
        if section.get("username") not in (None, "", username):
            # Keys of another user would be sent with the wrong username: forget them.
            for option in (*_KEY_OPTIONS.values(), _LEGACY_ACCESS_OPTION):
                section.pop(option, None)
        section["username"] = username
        section[_KEY_OPTIONS[key_type]] = key
        if key_type == "access":
            section.pop(_LEGACY_ACCESS_OPTION, None)
        self.save()
        return self.server(name)

    def clear_keys(self, name: str) -> bool:
        """Forget the username and keys of server ``name``; True if there was anything to forget."""
        if not self._parser.has_section(name):
            return False
        section = self._parser[name]
        options = ("username", *_KEY_OPTIONS.values(), _LEGACY_ACCESS_OPTION)
        removed = [section.pop(option) for option in options if option in section]
        if removed:
            self.save()
        return bool(removed)

    def save(self) -> None:
        """Write the file atomically (temp file, fsync, rename), mode 0600, directory 0700."""
        buffer = io.StringIO()
        self._parser.write(buffer)
        try:
            self.directory.mkdir(mode=0o700, parents=True, exist_ok=True)
            fd, tmp_name = tempfile.mkstemp(prefix=".config.", suffix=".tmp", dir=self.directory)
        except OSError as exc:
            raise ConfigError(f"cannot write {self.path}: {exc.strerror or exc}") from exc
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                set_mode(handle.fileno(), tmp_name, 0o600)
                handle.write(buffer.getvalue())
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp_name, self.path)
        except OSError as exc:
            with contextlib.suppress(OSError):
                os.unlink(tmp_name)
            raise ConfigError(f"cannot write {self.path}: {exc.strerror or exc}") from exc


def _check_server_name(name: str) -> None:
    if not name or name == CLI_SECTION or any(c in name for c in "[]\n\r") or name != name.strip():
        raise UsageError(f"{name!r} cannot be used as a server name")


def _describe_parse_error(path: Path, exc: configparser.Error) -> str:
    """One line naming the file and line of a parse error."""
    lineno = getattr(exc, "lineno", None)
    parse_errors = getattr(exc, "errors", None)
    if isinstance(exc, configparser.ParsingError) and parse_errors:
        lineno, _line = parse_errors[0]
    if isinstance(exc, configparser.MissingSectionHeaderError):
        detail = "text before the first [section] header"
    elif isinstance(exc, configparser.DuplicateSectionError):
        detail = f"section [{exc.section}] appears twice"
    elif isinstance(exc, configparser.DuplicateOptionError):
        detail = f"option {exc.option!r} appears twice in [{exc.section}]"
    else:
        detail = "not a valid INI line"
    where = f"{path}, line {lineno}" if lineno else str(path)
    return f"corrupt configuration file {where}: {detail}; fix or remove it (it was not changed)"
