"""The WSGI application: URL routing, authentication, portal prefixes and JSON errors."""

from __future__ import annotations

import sys
import traceback
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from werkzeug.exceptions import HTTPException
from werkzeug.routing import BaseConverter, Map, Rule, ValidationError
from werkzeug.wrappers import Request, Response
from werkzeug.wsgi import FileWrapper

from . import views_password
from .auth import authenticate, check_scope, portal_role, verify_key, verify_organisation
from .db import Database
from .html import BrowserViews
from .html_context import IDENTITY_ENVIRON
from .resource import Resource
from .rest import ApiError, Context, json_response, method_not_allowed, not_found
from .views_accounts import ObservingSites, Organisations, Profiles, Telescopes
from .views_activities import Activities, Instruments, ObservingRuns
from .views_datafiles import DataFiles
from .views_datasets import DataPackages, Datasets
from .views_nightlogs import Frames, NightLogs
from .views_nightplans import NightPlans
from .views_objects import Exoplanets, Objects
from .views_satellites import Satellites
from .views_targets import TargetLists, Targets
from .workdir import UploadArea

BANNER = "Arcsecond-compatible server"
RESERVED = {"auth", "web", "api", "admin", "static", "media"}
#: The blocks a data file is sent in. Werkzeug asks for 8 KiB, a turn of a Python loop per 8 KiB:
#: at 200 MB that loop, not the network, bounds the rate.
SEND_BLOCK = 1024 * 1024


def file_wrapper(file: Any, buffer_size: int = 8192) -> FileWrapper:
    """``wsgi.file_wrapper`` for engines without one: a file sent in blocks of SEND_BLOCK."""
    return FileWrapper(file, max(buffer_size, SEND_BLOCK))


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
    """The Arcsecond REST API over a data directory."""

    def __init__(self, data_dir: Path, registration_open: bool = False) -> None:
        self.data_dir = Path(data_dir)
        self.registration_open = registration_open
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
        self.resources = {resource.name: resource for resource in resources}
        self.url_map = self._url_map()
        self.browser = BrowserViews(self)

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
            ],
            converters={"portal": converter},
        )

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        environ.setdefault("wsgi.file_wrapper", file_wrapper)
        request = Request(environ)
        try:
            response = self.browser.respond(request)
            if response is None:
                response = self.handle(request)
        except ApiError as error:
            response = error.response()
        except HTTPException as error:
            response = json_response({"detail": error.description}, error.code or 500)
        except Exception:
            traceback.print_exc(file=sys.stderr)
            response = json_response({"detail": "A server error occurred."}, 500)
        finally:
            self.db.release()
        return response(environ, start_response)

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
            return handler(request, self.db)
        answered = views_password.answer(endpoint, args, request, self.db, self.registration_open)
        if answered is not None:
            return answered
        # A browser session, set by the HTML layer for its GET views only; else the key header.
        identity = request.environ.get(IDENTITY_ENVIRON) or authenticate(request, self.db)
        portal = args.get("portal")
        role = portal_role(self.db, identity, portal) if portal else None
        owner = f"org:{portal}" if portal else f"user:{identity.username}"
        ctx = Context(request, self.db, self.files_dir, identity, owner, portal, role)
        if endpoint == "download":
            if request.method not in ("GET", "HEAD"):
                raise method_not_allowed(request.method)
            check_scope(identity, role, "datafiles", "read")
            return self.datafiles.download(ctx, self.datafiles.key(args["id"]))
        resource = self.resources.get(args["resource"])
        if resource is None:
            raise not_found()
        return resource.dispatch(ctx, args.get("id"))
