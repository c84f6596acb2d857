"""The data-file resource: multipart uploads streamed from disk, and streamed downloads."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from arcsecond_core import errors
from arcsecond_core.resources import Record, Resource
from arcsecond_core.session import ArcsecondSession

ALREADY_EXISTS_MARKER = "already exists in dataset"
CHUNK_SIZE = 1024 * 1024
ProgressCallback = Callable[[int], None]


class DataFiles(Resource):
    """``datafiles/``: integer ids, created by multipart upload."""

    def __init__(self, session: ArcsecondSession) -> None:
        super().__init__(session, "datafiles", id_field="id", name_field=None, singular="data file")

    def upload(
        self,
        path: str | os.PathLike[str],
        dataset: str,
        *,
        is_raw: bool = True,
        tags: Iterable[str] = (),
        file_name: str | None = None,
        progress: ProgressCallback | None = None,
    ) -> Record:
        """Upload one file into ``dataset`` (a UUID), streamed from disk; sent once, no retry.

        Raises ValidationError whose message contains ``already exists in dataset`` when the
        dataset has a file of that name already (see ``is_already_exists``).
        """
        from requests_toolbelt.multipart.encoder import MultipartEncoder, MultipartEncoderMonitor

        source = Path(path)
        fields: list[tuple[str, Any]] = [("dataset", str(dataset)), ("is_raw", str(bool(is_raw)))]
        tag_text = ",".join(t.strip() for t in tags if t and t.strip())
        if tag_text:
            fields.append(("tags", tag_text))
        with source.open("rb") as handle:
            fields.append(("file", (file_name or source.name, handle, "application/octet-stream")))
            encoder = MultipartEncoder(fields=fields)
            body: Any = encoder
            if progress is not None:
                sent = [0]

                def on_read(monitor: MultipartEncoderMonitor) -> None:
                    progress(monitor.bytes_read - sent[0])
                    sent[0] = monitor.bytes_read

                body = MultipartEncoderMonitor(encoder, on_read)
            response = self.session.request(
                "POST",
                self.path,
                data=body,
                headers={"Content-Type": body.content_type},
                retry=False,
            )
        return response.json()

    def download(
        self,
        object_id: int | str,
        destination: str | os.PathLike[str],
        *,
        progress: ProgressCallback | None = None,
    ) -> Path:
        """Stream the bytes of data file ``object_id`` to ``destination``, atomically."""
        target = Path(destination)
        response = self.session.request(
            "GET", self._detail(object_id, "download"), stream=True, portal=self.portal_scoped
        )
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
        try:
            with os.fdopen(fd, "wb") as handle, response:
                for chunk in response.iter_content(CHUNK_SIZE):
                    handle.write(chunk)
                    if progress is not None:
                        progress(len(chunk))
            os.replace(tmp_name, target)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp_name)
            raise
        return target


def is_already_exists(error: Exception) -> bool:
    """True for the server's answer to a second upload of a file name into one dataset."""
    return isinstance(error, errors.ValidationError) and ALREADY_EXISTS_MARKER in str(error)
