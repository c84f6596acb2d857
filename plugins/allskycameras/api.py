"""``api.allskycameras``: cameras (uuid, name, observing_site, latest_image) and their images."""

from __future__ import annotations

import datetime as dt
import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from arcsecond_core import errors
from arcsecond_core.datafiles import MultipartFileBody, ProgressCallback, UploadCancelled
from arcsecond_core.resources import Record, Resource
from arcsecond_core.session import ArcsecondSession


def api_time(when: dt.datetime) -> str:
    """A time as the API's UTC text; a naive time is taken as UTC."""
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.timezone.utc)
    return when.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class AllSkyCameras(Resource):
    """``allskycameras/``, and each camera's ``images/`` (integer ids, multipart upload)."""

    def __init__(self, session: ArcsecondSession) -> None:
        super().__init__(session, "allskycameras", singular="all-sky camera")

    def images(self, camera: str, *, limit: int | None = None, **filters: Any
               ) -> Iterator[Record]:
        """The images of ``camera`` (a UUID) in time order; filters ``file_name``,
        ``utc_timestamp``."""
        return Resource(self.session, self._detail(camera, "images"), id_field="id",
                        name_field=None, singular="image").list(limit=limit, **filters)

    def has_image(self, camera: str, file_name: str, size: int, utc_timestamp: str) -> bool:
        """True when the camera holds an image of this name, size and time already."""
        return any(image.get("size") == size for image in self.images(
            camera, file_name=file_name, utc_timestamp=utc_timestamp))

    def upload_image(
        self, camera: str, path: str | os.PathLike[str], utc_timestamp: dt.datetime | str, *,
        file_name: str | None = None, progress: ProgressCallback | None = None,
        cancel: threading.Event | None = None,
    ) -> Record:
        """Send one image of ``camera`` (a UUID) taken at ``utc_timestamp``, streamed from disk
        and sent once (no retry); the image's object (``id``, ``file``, ``size``...)."""
        source = Path(path)
        when = utc_timestamp if isinstance(utc_timestamp, str) else api_time(utc_timestamp)
        fields = [("camera", str(camera)), ("utc_timestamp", when)]
        with source.open("rb", buffering=0) as handle:
            body = MultipartFileBody(fields, "file", file_name or source.name, handle,
                                     progress=progress, cancel=cancel)
            try:
                response = self.session.request(
                    "POST", self._detail(camera, "images"), data=body,
                    headers={"Content-Type": body.content_type}, retry=False, transfer=True)
            except errors.ConnectionFailed as exc:
                if cancel is not None and cancel.is_set():
                    raise UploadCancelled("upload cancelled") from exc
                raise
        return self.session.expect_object(response)
