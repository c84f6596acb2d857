"""An in-memory stand-in for the API, and a fake cliff app, to unit-test command classes."""

from __future__ import annotations

import argparse
import io
import itertools
import uuid
from collections.abc import Iterator
from typing import Any

from arcsecond_core import errors
from arcsecond_core.config import ServerProfile
from arcsecond_core.datafiles import DataFiles
from arcsecond_core.plugin_registry import registry
from arcsecond_core.session import ArcsecondSession

ID_FIELDS = {"datafiles": "id", "profiles": "username", "organisations": "subdomain"}


class FakeSession:
    """Answers the calls a Resource makes from dicts in memory; records every call."""

    base_url = "http://fake.test"

    def __init__(self, store: dict[str, list[dict[str, Any]]], portal: str | None = None) -> None:
        self.store = store
        self.portal = portal
        self.calls: list[tuple[str, str, dict[str, Any]]] = []
        self._ids = itertools.count(1000)

    url = ArcsecondSession.url  # the real URL rules: base, portal prefix, trailing slash

    def _split(self, path: str) -> tuple[str, str | None]:
        parts = path.strip("/").split("/")
        return parts[0], parts[1] if len(parts) > 1 else None

    def _find(self, path: str) -> dict[str, Any]:
        resource, object_id = self._split(path)
        field = ID_FIELDS.get(resource, "uuid")
        for item in self.store.get(resource, []):
            if str(item.get(field)) == str(object_id):
                return item
        raise errors.NotFound(f"Not found. (404 on GET {self.base_url}/{path}/)", 404)

    def paginate(self, path: str, params: dict[str, Any] | None = None, *,
                 portal: bool = True) -> Iterator[dict[str, Any]]:
        self.calls.append(("LIST", path, dict(params or {})))
        filters = {k: v for k, v in (params or {}).items() if k != "page_size"}
        for item in list(self.store.get(path, [])):
            if all(str(item.get(k)) == str(v) for k, v in filters.items()):
                yield item

    def get(self, path: str, params: dict[str, Any] | None = None, **kwargs: Any) -> Any:
        self.calls.append(("GET", path, {}))
        return self._find(path)

    def post(self, path: str, json: Any = None, **kwargs: Any) -> Any:
        self.calls.append(("POST", path, dict(json or {})))
        record = {"uuid": str(uuid.uuid4()), **(json or {})}
        self.store.setdefault(path.strip("/"), []).append(record)
        return record

    def patch(self, path: str, json: Any = None, **kwargs: Any) -> Any:
        self.calls.append(("PATCH", path, dict(json or {})))
        record = self._find(path)
        record.update(json or {})
        return record

    def delete(self, path: str, **kwargs: Any) -> None:
        self.calls.append(("DELETE", path, {}))
        record = self._find(path)
        self.store[self._split(path)[0]].remove(record)


class FakeAPI:
    """What commands use of ArcsecondAPI: resources, the profile, the portal, ``me()``."""

    def __init__(self, session: FakeSession, key_type: str = "access",
                 api_server: str = "http://fake.test") -> None:
        self.session = session
        self.portal = session.portal
        keys = {"access_key": "a" * 40} if key_type == "access" else {"upload_key": "u" * 40}
        self.profile = ServerProfile("local", api_server, "alice", **keys)

    @property
    def key_type(self) -> str | None:
        return self.profile.key_type

    def resource(self, name: str) -> Any:
        if name == "datafiles":
            return DataFiles(self.session)  # type: ignore[arg-type]
        specs = registry().resources()
        if name not in specs:
            raise AttributeError(f"no resource named {name!r}")  # as ArcsecondAPI.resource
        return specs[name].bind(self.session)  # type: ignore[arg-type]

    def me(self) -> dict[str, Any]:
        return self.session.store["profile"][0]


class TTYInput(io.StringIO):
    """Standard input that says it is a terminal."""

    def isatty(self) -> bool:
        return True


class TTYOutput(io.StringIO):
    def isatty(self) -> bool:
        return True


class FakeApp:
    """The parts of ArcsecondApp that commands touch."""

    def __init__(self, store: dict[str, list[dict[str, Any]]], *, key_type: str = "access",
                 stdin: io.StringIO | None = None, api_server: str = "http://fake.test") -> None:
        self.store = store
        self.stdout = io.StringIO()
        self.stderr = io.StringIO()
        self.stdin = stdin or io.StringIO()
        self.options = argparse.Namespace(api=None, debug=False)
        self.sessions: dict[str | None, FakeSession] = {}
        self.key_type = key_type
        self.api_server = api_server

    def api(self, portal: str | None = None) -> FakeAPI:
        session = self.sessions.setdefault(portal, FakeSession(self.store, portal))
        return FakeAPI(session, self.key_type, self.api_server)

    def calls(self, portal: str | None = None) -> list[tuple[str, str, dict[str, Any]]]:
        return self.sessions[portal].calls if portal in self.sessions else []


def run(command_class: type, argv: list[str], app: FakeApp) -> int:
    """Parse ``argv`` with the command's own parser and run it, as cliff does."""
    command = command_class(app, None)
    parser = command.get_parser(f"arcsecond {command_class.__name__}")
    return command.run(parser.parse_args(argv))
