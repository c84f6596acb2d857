"""The API's WSGI application: URL routing, authentication, portal prefixes and JSON errors.

It knows nothing of browsers: the HTML pages are a WSGI layer around it (``html.BrowserSite``).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from werkzeug.exceptions import HTTPException
from werkzeug.routing import BaseConverter, Map, Rule, ValidationError
from werkzeug.wrappers import Request, Response

from . import views_password
from .auth import authenticate, check_scope, portal_role, verify_key, verify_organisation
from .db import Database
from .resource import Resource
from .rest import IDENTITY_ENVIRON, Context, json_response, method_not_allowed, not_found
from .throttle import Throttle
from .views_accounts import ObservingSites, Organisations, Profiles, Telescopes
from .views_activities import Activities, Instruments, ObservingRuns
from .views_allsky import AllSkyCameras
from .views_datafiles import DataFiles
from .views_datasets import DataPackages, Datasets
from .views_members import Members
from .views_nightlogs import Frames, NightLogs
from .views_nightplans import NightPlans
from .views_objects import Exoplanets, Objects
from .views_satellites import Satellites
from .views_targets import TargetLists, Targets
from .workdir import UploadArea
from .wsgi_answer import answer

BANNER = "Arcsecond-compatible server"
RESERVED = {"auth", "web", "api", "admin", "static", "media"}


def storage_dirs(data_dir: Path) -> tuple[Path, Path]:
    """The directories for stored files and for uploads in progress."""
    return data_dir / "files", data_dir / "tmp"


class PortalConverter(BaseConverter):
    """A portal subdomain in the URL; never a resource name or a reserved word."""

    regex = r"[A-Za-z0-9][A-Za-z0-9_-]*"
    reserved: set[str] = set()

    def to_python(self, value: str) -> str:
        if value in self.reserved:
            raise ValidationError()
        return value


class ArcsecondApp:
    """The Arcsecond REST API over a data directory (JSON only; ``html.BrowserSite`` wraps it)."""

    def __init__(self, data_dir: Path, registration_open: bool = False,
                 throttle: Throttle | None = None) -> None:
        self.data_dir = Path(data_dir)
        self.registration_open = registration_open
        #: Failed credential checks, per username and per client address (``throttle``).
        self.throttle = throttle or Throttle()
        self.db = Database(self.data_dir)
        self.files_dir, self.tmp_dir = storage_dirs(self.data_dir)
        self.files_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        self.uploads = UploadArea(self.tmp_dir)
        self.datafiles = DataFiles(self.files_dir, self.uploads.open())
        resources: list[Resource] = [
            Profiles(), Organisations(), ObservingSites(), Telescopes(), Datasets(),
            self.datafiles, NightLogs(), Frames("observations", "observation"),
            Frames("calibrations", "calibration"), DataPackages(),
            Objects(), Exoplanets(), Activities(), ObservingRuns(), Instruments(), Satellites(),
            Targets(), TargetLists(), NightPlans(),
        ]
        resources += [Members(), AllSkyCameras(self.files_dir, self.datafiles.tmp_dir)]
        self.resources = {resource.name: resource for resource in resources}
        self.url_map = self._url_map()

    def close(self) -> None:
        """Remove this process's partial uploads and close the database."""
        self.uploads.close()
        self.db.close()

    def _url_map(self) -> Map:
        every = ", ".join(self.resources)
        prefixable = ", ".join(name for name, r in self.resources.items() if r.prefixable)
        converter = type("Portal", (PortalConverter,),
                         {"reserved": RESERVED | set(self.resources)})
        return Map(
            [
                Rule("/", endpoint="root"),
                Rule("/auth/key/verify/", endpoint="verify"),
                Rule("/auth/key/verify-organisation/", endpoint="verify_organisation"),
                *(Rule(path, endpoint=name) for path, name in views_password.routes()),
                Rule(f"/<any({every}):resource>/", endpoint="list"),
                Rule(f"/<any({every}):resource>/<id>/", endpoint="detail"),
                Rule("/datafiles/<id>/download/", endpoint="download"),
                Rule(f"/<portal:portal>/<any({prefixable}):resource>/", endpoint="list"),
                Rule(f"/<portal:portal>/<any({prefixable}):resource>/<id>/", endpoint="detail"),
                Rule("/<portal:portal>/datafiles/<id>/download/", endpoint="download"),
                *self._extra_rules(),
            ],
            converters={"portal": converter},
        )

    def _extra_rules(self) -> list[Rule]:
        """The resources' own paths below their detail (``allskycameras/<id>/images/``)."""
        rules = []
        for name, resource in self.resources.items():
            for endpoint, tail in resource.extra_routes.items():
                rules.append(Rule(f"/{name}/{tail}", endpoint=f"{name}:{endpoint}"))
                if resource.prefixable:
                    rules.append(Rule(f"/<portal:portal>/{name}/{tail}",
                                      endpoint=f"{name}:{endpoint}"))
        return rules

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        return answer(environ, start_response, self.handle, self.db)

    def handle(self, request: Request) -> Response:
        adapter = self.url_map.bind_to_environ(request.environ)
        try:
            endpoint, args = adapter.match()
        except HTTPException:
            raise not_found() from None
        if endpoint == "root":
            return json_response({"name": BANNER, "status": "ready"})
        if endpoint in ("verify", "verify_organisation"):
            if request.method != "POST":
                raise method_not_allowed(request.method)
            handler = verify_key if endpoint == "verify" else verify_organisation
            return handler(request, self.db, self.throttle)
        answered = views_password.answer(endpoint, args, request, self.db, self.registration_open,
                                         self.throttle)
        if answered is not None:
            return answered
        # A reader the wrapping HTML layer vouches for (a browser session, on its GET views
        # only); else the key header.
        identity = request.environ.get(IDENTITY_ENVIRON) or authenticate(request, self.db)
        portal = args.get("portal")
        role = portal_role(self.db, identity, portal) if portal else None
        owner = f"org:{portal}" if portal else f"user:{identity.username}"
        ctx = Context(request, self.db, self.files_dir, identity, owner, portal, role)
        name, _, extra = endpoint.partition(":")
        if extra:
            return self.resources[name].answer(extra, ctx, args)
        if endpoint == "download":
            if request.method not in ("GET", "HEAD"):
                raise method_not_allowed(request.method)
            check_scope(identity, role, "datafiles", "read")
            return self.datafiles.download(ctx, self.datafiles.key(args["id"]))
        resource = self.resources.get(args["resource"])
        if resource is None:
            raise not_found()
        return resource.dispatch(ctx, args.get("id"))
