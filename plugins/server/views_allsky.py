"""All-sky cameras and their images, owned like datasets (by the user, or by a portal).

``allskycameras/<uuid>/images/`` receives images as streamed multipart bodies (``file``,
``camera``, ``utc_timestamp``), kept under ``files/allsky/<camera>/``; each image's bytes are
at ``.../images/<id>/file/``, and a camera's ``latest_image`` is the URL of its newest one.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import uuid as uuidlib
from pathlib import Path
from typing import Any

from werkzeug.utils import send_file
from werkzeug.wrappers import Response

from .allsky_images import image_kind, parse_timestamp_filter, utc_timestamp
from .auth import check_scope
from .resource import Resource
from .rest import (
    ApiError,
    Context,
    does_not_exist,
    invalid,
    json_response,
    method_not_allowed,
    new_uuid,
    not_found,
    now,
    organisation_of,
    parse_uuid,
    read_json,
    required_text,
    stored_int,
)
from .uploads import Upload, receive

CAMERA_SELECT = (
    "SELECT c.*, (SELECT COUNT(*) FROM allskyimages i WHERE i.camera = c.uuid) AS images_count,"
    " l.id AS latest_id, l.utc_timestamp AS latest_timestamp FROM allskycameras c"
    " LEFT JOIN allskyimages l ON l.id = (SELECT i.id FROM allskyimages i WHERE i.camera = c.uuid"
    " ORDER BY i.utc_timestamp DESC, i.id DESC LIMIT 1)"
)
IMAGE_SELECT = "SELECT i.* FROM allskyimages i"
STORAGE = "allsky"


def base_url(ctx: Context) -> str:
    """The URL of the API's root as the caller sees it, with the portal prefix when used."""
    prefix = f"{ctx.portal}/" if ctx.portal else ""
    return f"{ctx.request.root_url.rstrip('/')}/{prefix}"


def image_url(ctx: Context, camera: str, image_id: int) -> str:
    return f"{base_url(ctx)}allskycameras/{camera}/images/{image_id}/file/"


def camera_json(ctx: Context, row: sqlite3.Row) -> dict[str, Any]:
    owner = row["owner"]
    latest = row["latest_id"]
    return {
        "uuid": row["uuid"],
        "name": row["name"],
        "observing_site": row["site"],
        "organisation": organisation_of(owner),
        "latest_image": image_url(ctx, row["uuid"], latest) if latest is not None else None,
        "latest_image_utc_timestamp": row["latest_timestamp"],
        "images_count": row["images_count"],
        "created": row["created"],
        "modified": row["modified"],
    }


def image_json(ctx: Context, row: sqlite3.Row) -> dict[str, Any]:
    return {
        "id": row["id"],
        "camera": row["camera"],
        "file": image_url(ctx, row["camera"], row["id"]),
        "file_name": row["file_name"],
        "content_type": row["content_type"],
        "size": row["size"],
        "utc_timestamp": row["utc_timestamp"],
        "created": row["created"],
    }


def _site(ctx: Context, value: Any) -> str | None:
    if value in (None, ""):
        return None
    uuid = parse_uuid(value, "observing_site")
    if ctx.db.one("SELECT 1 FROM sites WHERE uuid = ?", (uuid,)) is None:
        raise invalid("observing_site", does_not_exist(uuid))
    return uuid


class AllSkyCameras(Resource):
    name = "allskycameras"
    #: The images below a camera: endpoint -> path after ``allskycameras/``.
    extra_routes = {
        "images": "<id>/images/",
        "image": "<id>/images/<image>/",
        "image_file": "<id>/images/<image>/file/",
    }

    def __init__(self, files_dir: Path, tmp_dir: Path) -> None:
        self.files_dir = files_dir
        self.tmp_dir = tmp_dir

    def _get(self, ctx: Context, uuid: str) -> sqlite3.Row:
        return ctx.one_or_not_found(f"{CAMERA_SELECT} WHERE c.uuid = ? AND c.owner = ?",
                                    (uuid, ctx.owner))

    def _show(self, ctx: Context, uuid: str, status: int = 200) -> Response:
        return json_response(camera_json(ctx, self._get(ctx, uuid)), status)

    # -- cameras ----------------------------------------------------------------------------
    def list(self, ctx: Context) -> Response:
        where, args = ["c.owner = ?"], [ctx.owner]
        ctx.filter(where, args, {"name": ("c.name", None),
                                 "observing_site": ("c.site", parse_uuid)})
        return ctx.paginate(CAMERA_SELECT, where, args, "c.created, c.uuid",
                            lambda row: camera_json(ctx, row))

    def create(self, ctx: Context) -> Response:
        data = read_json(ctx.request)
        name, site = required_text(data, "name"), _site(ctx, data.get("observing_site"))
        uuid, stamp = new_uuid(), now()
        with ctx.db.write() as conn:
            conn.execute("INSERT INTO allskycameras (uuid, owner, name, site, created, modified)"
                         " VALUES (?, ?, ?, ?, ?, ?)", (uuid, ctx.owner, name, site, stamp, stamp))
        return self._show(ctx, uuid, 201)

    def retrieve(self, ctx: Context, uuid: str) -> Response:
        return self._show(ctx, uuid)

    def update(self, ctx: Context, uuid: str) -> Response:
        self._get(ctx, uuid)
        data = read_json(ctx.request)
        changes: dict[str, Any] = {}
        if "name" in data or ctx.request.method == "PUT":
            changes["name"] = required_text(data, "name")
        if "observing_site" in data:
            changes["site"] = _site(ctx, data["observing_site"])
        if changes:
            changes["modified"] = now()
            sets = ", ".join(f"{key} = ?" for key in changes)
            with ctx.db.write() as conn:
                conn.execute(f"UPDATE allskycameras SET {sets} WHERE uuid = ?",
                             [*changes.values(), uuid])
        return self._show(ctx, uuid)

    def destroy(self, ctx: Context, uuid: str) -> Response:
        self._get(ctx, uuid)
        with ctx.db.write() as conn:
            conn.execute("DELETE FROM allskycameras WHERE uuid = ?", (uuid,))
        shutil.rmtree(self.files_dir / STORAGE / uuid, ignore_errors=True)
        return json_response(None, 204)

    # -- images -----------------------------------------------------------------------------
    def answer(self, endpoint: str, ctx: Context, args: dict[str, Any]) -> Response:
        """The images endpoints (``extra_routes``) of camera ``args["id"]``."""
        method = ctx.request.method
        reading = method in ("GET", "HEAD")
        allowed = {"images": ("GET", "HEAD", "POST"), "image": ("GET", "HEAD", "DELETE"),
                   "image_file": ("GET", "HEAD")}[endpoint]
        if method not in allowed:
            raise method_not_allowed(method)
        action = "read" if reading else ("create" if method == "POST" else "delete")
        check_scope(ctx.identity, ctx.role, self.name, action)
        camera = str(self._get(ctx, parse_uuid(args["id"]))["uuid"])
        if endpoint == "images":
            return self.list_images(ctx, camera) if reading else self.create_image(ctx, camera)
        image = self._image(ctx, camera, args["image"])
        if endpoint == "image_file":
            return self.send_image(ctx, image)
        if reading:
            return json_response(image_json(ctx, image))
        with ctx.db.write() as conn:
            conn.execute("DELETE FROM allskyimages WHERE id = ?", (image["id"],))
        (self.files_dir / image["path"]).unlink(missing_ok=True)
        return json_response(None, 204)

    def _image(self, ctx: Context, camera: str, raw_id: str) -> sqlite3.Row:
        number = stored_int(raw_id)
        if number is None:
            raise not_found()
        return ctx.one_or_not_found(f"{IMAGE_SELECT} WHERE i.id = ? AND i.camera = ?",
                                    (number, camera))

    def list_images(self, ctx: Context, camera: str) -> Response:
        where, args = ["i.camera = ?"], [camera]
        ctx.filter(where, args, {"file_name": ("i.file_name", None),
                                 "utc_timestamp": ("i.utc_timestamp", parse_timestamp_filter)})
        return ctx.paginate(IMAGE_SELECT, where, args, "i.utc_timestamp, i.id",
                            lambda row: image_json(ctx, row))

    def send_image(self, ctx: Context, image: sqlite3.Row) -> Response:
        path = self.files_dir / image["path"]
        if not path.is_file():
            raise not_found("The image is missing from the server's storage.")
        response = send_file(path, ctx.request.environ, mimetype=image["content_type"],
                             download_name=image["file_name"], max_age=0, conditional=True,
                             etag=True)
        response.headers["X-Content-Type-Options"] = "nosniff"
        return response

    def create_image(self, ctx: Context, camera: str) -> Response:
        upload = receive(ctx.request, self.tmp_dir)
        try:
            image_id = self._store(ctx, camera, upload)
        finally:
            upload.discard()
        row = ctx.one_or_not_found(f"{IMAGE_SELECT} WHERE i.id = ?", (image_id,))
        return json_response(image_json(ctx, row), 201)

    def _validate(self, camera: str, upload: Upload) -> tuple[str, str, str]:
        """The image's time, content type and extension; every field error at once."""
        errors: dict[str, list[str]] = {}
        named = upload.fields.get("camera")
        if named not in (None, "") and str(named).strip().lower() != camera:
            errors["camera"] = ["Must be the camera of the URL."]
        timestamp = kind = extension = ""
        try:
            timestamp = utc_timestamp(upload.fields.get("utc_timestamp"))
        except ApiError as error:
            errors.update(error.body)
        if upload.temp_path is None:
            errors["file"] = ["No file was submitted."]
        elif upload.name_error:
            errors["file"] = [upload.name_error]
        else:
            try:
                kind, extension = image_kind(upload.temp_path)
            except ApiError as error:
                errors.update(error.body)
        if errors:
            raise ApiError(400, errors)
        return timestamp, kind, extension

    def _store(self, ctx: Context, camera: str, upload: Upload) -> int:
        timestamp, kind, extension = self._validate(camera, upload)
        assert upload.temp_path is not None
        relative = f"{STORAGE}/{camera}/{uuidlib.uuid4().hex}{extension}"
        final = self.files_dir / relative
        final.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.replace(upload.temp_path, final)
        upload.temp_path = None
        try:
            with ctx.db.write() as conn:
                cursor = conn.execute(
                    "INSERT INTO allskyimages (camera, file_name, path, content_type, size,"
                    " utc_timestamp, created) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (camera, upload.file_name, relative, kind, upload.size, timestamp, now()))
                return int(cursor.lastrowid or 0)
        except sqlite3.IntegrityError:  # the camera was deleted meanwhile
            final.unlink(missing_ok=True)
            raise invalid("camera", does_not_exist(camera)) from None
        except BaseException:
            final.unlink(missing_ok=True)
            raise
