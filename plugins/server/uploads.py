"""Multipart uploads streamed to a temporary file in the data dir, hashed while they arrive."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from werkzeug.datastructures import Headers
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.sansio.multipart import Data, Epilogue, Field, File, MultipartDecoder, NeedData
from werkzeug.wrappers import Request

from arcsecond_core.formnames import filename_parameter, name_problem

from .rest import ApiError, detail

CHUNK = 256 * 1024
MAX_FIELD_BYTES = 64 * 1024
MAX_FIELDS_BYTES = 1024 * 1024


@dataclass
class Upload:
    """The parts of a multipart request; the file part is on disk at ``temp_path``."""

    fields: dict[str, str] = field(default_factory=dict)
    file_name: str | None = None
    #: Why ``file_name`` cannot be a data file's name (a 400 on the ``file`` field), or None.
    name_error: str | None = None
    content_type: str | None = None
    temp_path: Path | None = None
    size: int = 0
    checksum: str = ""

    def discard(self) -> None:
        if self.temp_path is not None:
            self.temp_path.unlink(missing_ok=True)
            self.temp_path = None


def file_name_of(headers: Headers, parsed: str) -> str:
    """The file name a part's ``Content-Disposition`` carries, decoded as the client encoded it
    (``arcsecond_core.formnames``); a path keeps its last component only, a backslash is part of
    the name. ``parsed`` is Werkzeug's reading, used for a ``filename*`` parameter alone."""
    name = filename_parameter(headers.get("content-disposition", ""))
    return (parsed if name is None else name).rsplit("/", 1)[-1]


def receive(request: Request, tmp_dir: Path, file_part: str = "file") -> Upload:
    """Read a multipart body, the ``file_part`` streamed to disk; nothing is left on failure."""
    if request.mimetype != "multipart/form-data":
        raise detail(415, f'Unsupported media type "{request.mimetype}" in request.')
    boundary = request.mimetype_params.get("boundary", "").encode("latin-1", "replace")
    if not boundary:
        raise detail(400, "Multipart form parse error - Invalid boundary in multipart: None")
    upload = Upload()
    try:
        _decode(request, boundary, tmp_dir, file_part, upload)
    except BaseException:
        upload.discard()
        raise
    return upload


def _decode(request: Request, boundary: bytes, tmp_dir: Path, file_part: str,
            upload: Upload) -> None:
    decoder = MultipartDecoder(boundary, max_form_memory_size=None)
    stream = request.stream
    digest = hashlib.sha256()
    sink = None
    current: str | None = None
    value = bytearray()
    fields_bytes = 0
    try:
        while True:
            event = decoder.next_event()
            if isinstance(event, NeedData):
                try:
                    chunk = stream.read(CHUNK)
                except (OSError, ValueError) as error:
                    raise ApiError(400, {"detail": f"Upload interrupted: {error}"}) from None
                decoder.receive_data(chunk if chunk else None)
            elif isinstance(event, Field):
                current, value = event.name, bytearray()
            elif isinstance(event, File):
                current = event.name
                if event.name == file_part and sink is None and upload.temp_path is None:
                    tmp_dir.mkdir(parents=True, exist_ok=True)
                    upload.temp_path = tmp_dir / f"{uuid.uuid4().hex}.part"
                    upload.file_name = file_name_of(event.headers, event.filename)
                    upload.name_error = name_problem(upload.file_name)
                    upload.content_type = event.headers.get("content-type")
                    sink = open(upload.temp_path, "wb", buffering=1024 * 1024)  # noqa: SIM115
                else:
                    current = None
            elif isinstance(event, Data):
                if sink is not None:
                    sink.write(event.data)
                    digest.update(event.data)
                    upload.size += len(event.data)
                    if not event.more_data:
                        sink.close()
                        sink = None
                elif current is not None:
                    value.extend(event.data)
                    fields_bytes += len(event.data)
                    if len(value) > MAX_FIELD_BYTES or fields_bytes > MAX_FIELDS_BYTES:
                        raise RequestEntityTooLarge()
                    if not event.more_data:
                        upload.fields.setdefault(current, value.decode("utf-8", "replace"))
            elif isinstance(event, Epilogue):
                break
    except ValueError as error:
        raise ApiError(400, {"detail": f"Multipart form parse error - {error}"}) from None
    finally:
        if sink is not None:
            sink.close()
    if upload.temp_path is not None:
        upload.checksum = digest.hexdigest()
