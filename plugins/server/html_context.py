"""What a browser page knows: where it is, who reads it, links to related objects, sub-requests.

Sub-requests go through the application's own JSON handlers with the reader's identity, so a page
shows exactly what the API would answer that reader, and nothing else.
"""

from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass, field
from typing import Any, Protocol
from urllib.parse import quote, unquote, urlencode

from werkzeug.routing import Map
from werkzeug.wrappers import Request, Response

from .db import Database
from .resource import Resource
from .rest import FILTERS_ENVIRON, IDENTITY_ENVIRON, MAX_PAGE_SIZE, ApiError, Identity
from .throttle import Throttle


class ApiApp(Protocol):
    """What the HTML layer needs of the API application it wraps (``app.ArcsecondApp``)."""

    db: Database
    throttle: Throttle
    url_map: Map
    resources: dict[str, Resource]

    def handle(self, request: Request) -> Response:
        """The JSON answer to ``request``; an API error is raised as ``ApiError``."""
        ...


#: A field naming another object, and the resource that object belongs to.
RELATED = {
    "camera": "allskycameras",
    "telescope": "telescopes", "telescopes": "telescopes",
    "observing_site": "observingsites", "dataset": "datasets", "datasets": "datasets",
    "night_log": "nightlogs", "nightlogs": "nightlogs", "datafile": "datafiles",
    "observation": "observations", "calibration": "calibrations",
    "instrument": "instruments", "organisation": "organisations", "profile": "profiles",
    "parent_star": "objects", "planets": "exoplanets",
    "target": "targets", "targetlist": "targetlists", "nightplan": "nightplans",
}
#: The field that identifies an object of a resource, where it is not ``uuid`` (or ``id``).
ID_FIELDS = {
    "profiles": "username", "organisations": "subdomain", "satellites": "norad_number",
    "objects": "name", "exoplanets": "name",
}
#: Fields that name an object, in the order a page prefers them as its title.
NAME_FIELDS = ("name", "title", "file_name", "date", "target_name", "username", "subdomain")
UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
MAX_FETCH_PAGES = 50
#: Related objects a page looks up for their names; past that it shows their identifiers.
MAX_LABELS = 50


def id_field(resource: str, row: dict[str, Any]) -> str | None:
    """The field of ``row`` that identifies it in ``resource``'s detail URL."""
    for name in (ID_FIELDS.get(resource), "uuid", "id", "name"):
        if name and row.get(name) not in (None, ""):
            return name
    return None


def title_of(row: dict[str, Any], fallback: str = "") -> str:
    for name in NAME_FIELDS:
        value = row.get(name)
        if isinstance(value, (str, int)) and value != "":
            return str(value)
    return fallback


def short(value: Any) -> str:
    """A UUID cut to its first block (tables stay narrow; the full one is in the title)."""
    text = str(value)
    return text[:8] + "…" if UUID_RE.match(text) else text


@dataclass
class Page:
    """One browser request: the application, the request, the portal and resource it is about."""

    app: ApiApp
    request: Request
    viewer: Identity | None
    portal: str | None = None
    resource: str | None = None
    object_id: str | None = None
    labels: dict[tuple[str, str], str] = field(default_factory=dict)

    # -- URLs ------------------------------------------------------------------------------
    def has(self, resource: str) -> bool:
        return resource in self.app.resources

    def url(self, resource: str, object_id: Any = None, portal: str | bool | None = True) -> str:
        """The page of a resource (or of one object), in the current portal where it can be."""
        target = self.app.resources.get(resource)
        prefixable = target is None or target.prefixable
        chosen = self.portal if portal is True else (portal or None)
        parts = [chosen] if chosen and prefixable else []
        parts.append(resource)
        if object_id is not None:
            parts.append(quote(str(object_id), safe=""))
        return "/" + "".join(f"{p}/" for p in parts)

    def related(self, field_name: str) -> str | None:
        """The resource a field's values point to, when this server has it."""
        resource = RELATED.get(field_name)
        return resource if resource and self.has(resource) else None

    def link(self, field_name: str, value: Any) -> str | None:
        resource = self.related(field_name)
        if resource is None or value in (None, "") or isinstance(value, (dict, list, bool)):
            return None
        return self.url(resource, value)

    def row_url(self, row: dict[str, Any], resource: str | None = None) -> str | None:
        resource = resource or self.resource
        name = id_field(resource or "", row)
        return self.url(resource, row[name]) if resource and name else None

    def query_url(self, **changes: Any) -> str:
        """This page's URL with some query parameters changed (None removes one)."""
        args = [(k, v) for k, v in self.request.args.items(multi=True) if k not in changes]
        args += [(k, str(v)) for k, v in changes.items() if v not in (None, "")]
        return self.request.path + (f"?{urlencode(args)}" if args else "")

    # -- sub-requests ---------------------------------------------------------------------
    def fetch(self, path: str, **params: Any) -> Any:
        """The JSON answer of ``GET path`` for this reader, or None if it is not a 200."""
        environ = {k: v for k, v in self.request.environ.items() if k != FILTERS_ENVIRON}
        environ.update({
            "PATH_INFO": unquote(path).encode().decode("latin-1"),  # WSGI's native string
            "QUERY_STRING": urlencode(params), "REQUEST_METHOD": "GET",
            "CONTENT_LENGTH": "0", "wsgi.input": io.BytesIO(),
        })
        if self.viewer is not None:
            environ[IDENTITY_ENVIRON] = self.viewer
        try:
            response = self.app.handle(Request(environ))
        except ApiError:
            return None
        if response.status_code != 200 or response.mimetype != "application/json":
            return None
        return json.loads(response.get_data())

    def fetch_all(self, resource: str, **filters: Any) -> list[dict[str, Any]] | None:
        """Every object of a list with ``filters`` (None when the reader may not list it)."""
        items: list[dict[str, Any]] = []
        for number in range(1, MAX_FETCH_PAGES + 1):
            answer = self.fetch(self.url(resource), **filters, page=number,
                                page_size=MAX_PAGE_SIZE)
            if not isinstance(answer, dict):
                return items if number > 1 else None
            items.extend(answer.get("results", []))
            if not answer.get("next"):
                break
        return items

    def fetch_one(self, resource: str, object_id: Any) -> dict[str, Any] | None:
        answer = self.fetch(self.url(resource, object_id))
        return answer if isinstance(answer, dict) else None

    def label(self, field_name: str, value: Any) -> str:
        """A related object's name (a detail request, remembered for the page), else its id."""
        resource = self.related(field_name)
        key = (resource or "", str(value))
        if resource is None or value in (None, ""):
            return str(value)
        if key not in self.labels:
            if len(self.labels) >= MAX_LABELS:
                return str(value)
            found = self.fetch_one(resource, value)
            self.labels[key] = title_of(found, str(value)) if found else str(value)
        return self.labels[key]
