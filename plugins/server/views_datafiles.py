"""Data files: streamed multipart creation, headers to observations and night logs, download."""

from __future__ import annotations

import json
import os
import sqlite3
import uuid as uuidlib
from pathlib import Path
from typing import Any

from werkzeug.exceptions import RequestedRangeNotSatisfiable
from werkzeug.utils import send_file
from werkzeug.wrappers import Response

from . import serializers as s
from .headers import FileInfo, inspect
from .nightlogs import night_log_for
from .resource import Resource
from .rest import (
    ApiError,
    Context,
    detail,
    does_not_exist,
    invalid,
    json_response,
    not_found,
    now,
    parse_bool,
    parse_tags,
    parse_uuid,
    read_json,
)
from .uploads import Upload, receive
from .views_datasets import remove_files


def already_exists(file_name: str, dataset: str, existing: sqlite3.Row | None = None) -> ApiError:
    """The answer to a second upload of a name (ours: with the size, sha256 and id of the file
    that holds it, so that a client whose key cannot read data files can compare contents)."""
    error = detail(400, f"A file named '{file_name}' already exists in dataset {dataset}.")
    if existing is not None:
        error.body.update(id=existing["id"], size=existing["size"], checksum=existing["checksum"])
    return error


class DataFiles(Resource):
    name = "datafiles"
    id_kind = "int"

    def __init__(self, files_dir: Path, tmp_dir: Path) -> None:
        self.files_dir = files_dir
        self.tmp_dir = tmp_dir

    def _get(self, ctx: Context, file_id: int) -> sqlite3.Row:
        return ctx.one_or_not_found(
            f"{s.DATAFILE_SELECT} WHERE f.id = ? AND d.owner = ?", (file_id, ctx.owner)
        )

    def list(self, ctx: Context) -> Response:
        where, args = ["d.owner = ?"], [ctx.owner]
        ctx.filter(where, args, {
            "dataset": ("f.dataset", parse_uuid),
            "night_log": ("f.night_log", parse_uuid),
            "file_name": ("f.file_name", None),
        })
        return ctx.paginate(s.DATAFILE_SELECT, where, args, "f.id", s.datafile)

    def retrieve(self, ctx: Context, file_id: int) -> Response:
        return json_response(s.datafile(self._get(ctx, file_id)))

    def download(self, ctx: Context, file_id: int) -> Response:
        row = self._get(ctx, file_id)
        path = self.files_dir / row["path"]
        if not path.is_file():
            raise not_found("The file is missing from the server's storage.")
        # Range requests (one range): 206 with Content-Range, 416 when unsatisfiable.
        try:
            return send_file(path, ctx.request.environ, mimetype="application/octet-stream",
                             as_attachment=True, download_name=row["file_name"], max_age=0,
                             conditional=True, etag=True)
        except RequestedRangeNotSatisfiable:
            raise ApiError(416, {"detail": "Requested range not satisfiable."},
                           {"Content-Range": f"bytes */{path.stat().st_size}",
                            "Accept-Ranges": "bytes"}) from None

    def create(self, ctx: Context) -> Response:
        upload = receive(ctx.request, self.tmp_dir)
        try:
            file_id = self._store(ctx, upload)
        finally:
            upload.discard()
        return json_response(s.datafile(self._get(ctx, file_id)), 201)

    def _validate(self, ctx: Context, upload: Upload) -> tuple[sqlite3.Row, bool, list[str]]:
        errors: dict[str, list[str]] = {}
        dataset = None
        raw = upload.fields.get("dataset")
        if not raw:
            errors["dataset"] = ["This field is required."]
        else:
            try:
                key = str(uuidlib.UUID(raw.strip()))
            except ValueError:
                key = None
            dataset = key and ctx.db.one(
                "SELECT uuid, telescope FROM datasets WHERE uuid = ? AND owner = ?",
                (key, ctx.owner),
            )
            if not dataset:
                errors["dataset"] = [does_not_exist(raw.strip())]
        if upload.temp_path is None:
            errors["file"] = ["No file was submitted."]
        elif upload.name_error:
            errors["file"] = [upload.name_error]
        is_raw, tags = False, []
        try:
            is_raw = parse_bool(upload.fields.get("is_raw", "False"), "is_raw")
            tags = parse_tags(upload.fields.get("tags", upload.fields.get("custom_tags")))
        except ApiError as error:
            errors.update(error.body)
        if errors or dataset is None:
            raise ApiError(400, errors)
        return dataset, is_raw, tags

    def _store(self, ctx: Context, upload: Upload) -> int:
        dataset, is_raw, tags = self._validate(ctx, upload)
        name = str(upload.file_name)
        existing = ctx.db.one("SELECT id, size, checksum FROM datafiles"
                              " WHERE dataset = ? AND file_name = ?", (dataset["uuid"], name))
        if existing:
            raise already_exists(name, dataset["uuid"], existing)
        assert upload.temp_path is not None
        info = inspect(upload.temp_path, name, upload.content_type)
        relative = f"{dataset['uuid']}/{uuidlib.uuid4().hex}"
        final = self.files_dir / relative
        final.parent.mkdir(parents=True, exist_ok=True)
        os.replace(upload.temp_path, final)
        upload.temp_path = None
        try:
            with ctx.db.write() as conn:
                return self._insert(conn, ctx, dataset, upload, info, relative, is_raw, tags)
        except sqlite3.IntegrityError:
            final.unlink(missing_ok=True)
            raise self.conflict(ctx, dataset["uuid"], name) from None
        except BaseException:
            final.unlink(missing_ok=True)
            raise

    def conflict(self, ctx: Context, dataset: str, name: str) -> ApiError:
        """What a failed insert means: the dataset went away, or the name was just taken."""
        if ctx.db.one("SELECT 1 FROM datasets WHERE uuid = ?", (dataset,)) is None:
            return invalid("dataset", does_not_exist(dataset))
        if ctx.db.one("SELECT 1 FROM datafiles WHERE dataset = ? AND file_name = ?",
                      (dataset, name)):
            return already_exists(name, dataset)
        return detail(409, "The data file conflicts with a change made at the same time; "
                           "try again.")

    def _insert(self, conn: sqlite3.Connection, ctx: Context, dataset: sqlite3.Row,
                upload: Upload, info: FileInfo, relative: str, is_raw: bool,
                tags: list[str]) -> int:
        frame = info.frame or {}
        when = frame.get("when")
        night_log = night_log_for(conn, ctx.owner, dataset["telescope"], when) if when else None
        cursor = conn.execute(
            "INSERT INTO datafiles (dataset, file_name, path, size, checksum, file_type,"
            " compression, is_raw, tags, night_log, date_obs, created)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (dataset["uuid"], upload.file_name, relative, upload.size, upload.checksum,
             info.file_type, info.compression, int(is_raw), json.dumps(tags), night_log,
             frame.get("date_obs"), now()),
        )
        file_id = int(cursor.lastrowid or 0)
        if info.frame is not None:
            conn.execute(
                "INSERT INTO frames (category, datafile, night_log, target_name, filter,"
                " exposure_time, date_obs, kind, binning) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (frame["category"], file_id, night_log, frame["target_name"], frame["filter"],
                 frame["exposure_time"], frame["date_obs"], frame["kind"], frame["binning"]),
            )
        return file_id

    def update(self, ctx: Context, file_id: int) -> Response:
        row = self._get(ctx, file_id)
        data = read_json(ctx.request)
        changes: dict[str, Any] = {}
        for name in ("custom_tags", "tags"):
            if name in data:
                changes["tags"] = json.dumps(parse_tags(data[name], name))
        if "is_raw" in data:
            changes["is_raw"] = int(parse_bool(data["is_raw"], "is_raw"))
        if "night_log" in data:
            value = data["night_log"]
            if value in (None, ""):
                changes["night_log"] = None
            else:
                log = parse_uuid(value, "night_log")
                if ctx.db.one("SELECT 1 FROM nightlogs WHERE uuid = ? AND owner = ?",
                              (log, ctx.owner)) is None:
                    raise invalid("night_log", does_not_exist(log))
                changes["night_log"] = log
        if changes:
            sets = ", ".join(f"{key} = ?" for key in changes)
            with ctx.db.write() as conn:
                conn.execute(f"UPDATE datafiles SET {sets} WHERE id = ?",
                             [*changes.values(), row["id"]])
                if "night_log" in changes:
                    conn.execute("UPDATE frames SET night_log = ? WHERE datafile = ?",
                                 (changes["night_log"], row["id"]))
        return json_response(s.datafile(self._get(ctx, file_id)))

    def destroy(self, ctx: Context, file_id: int) -> Response:
        row = self._get(ctx, file_id)
        with ctx.db.write() as conn:
            conn.execute("DELETE FROM datafiles WHERE id = ?", (row["id"],))
        remove_files(self.files_dir, [row["path"]])
        return json_response(None, 204)
