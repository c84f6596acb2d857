"""The data-file resource: multipart uploads streamed from disk, and streamed downloads."""

from __future__ import annotations

import contextlib
import os
import tempfile
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from arcsecond_core import errors
from arcsecond_core.resources import Record, Resource
from arcsecond_core.session import ArcsecondSession

ALREADY_EXISTS_MARKER = "already exists in dataset"
CHUNK_SIZE = 1024 * 1024
#: How much of the multipart body is handed to the socket at a time.
SEND_BLOCK = 1024 * 1024
ProgressCallback = Callable[[int], None]


class UploadCancelled(errors.ArcsecondError):
    """An upload stopped on request before its body was fully sent."""


class _HashingReader:
    """A file opened for reading that hashes what is read and honours a cancel flag."""

    def __init__(self, handle: Any, digest: Any, cancel: threading.Event | None) -> None:
        self._handle = handle
        self._digest = digest
        self._cancel = cancel

    def fileno(self) -> int:
        return int(self._handle.fileno())

    def tell(self) -> int:
        return int(self._handle.tell())

    def read(self, size: int = -1) -> bytes:
        if self._cancel is not None and self._cancel.is_set():
            raise UploadCancelled("upload cancelled")
        data = self._handle.read(size)
        if self._digest is not None and data:
            self._digest.update(data)
        return bytes(data)


class _Body:
    """A multipart encoder read in large blocks, each one reported to a progress callback."""

    def __init__(self, encoder: Any, progress: ProgressCallback | None) -> None:
        self._encoder = encoder
        self._progress = progress
        self.content_type: str = encoder.content_type

    @property
    def len(self) -> int:
        return int(self._encoder.len)

    def read(self, size: int = -1) -> bytes:
        data = self._encoder.read(max(size, SEND_BLOCK) if size and size > 0 else size)
        if self._progress is not None and data:
            self._progress(len(data))
        return bytes(data)


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
        digest: Any = None,
        cancel: threading.Event | None = None,
    ) -> Record:
        """Upload one file into ``dataset`` (a UUID), streamed from disk; sent once, no retry.

        ``progress`` is called with the number of body bytes handed to the connection, block
        after block; ``digest`` (a hashlib object) is updated with the file's bytes as they are
        read; when ``cancel`` is set the body stops and UploadCancelled is raised. Memory stays
        constant whatever the size of the file.

        Raises ValidationError whose message contains ``already exists in dataset`` when the
        dataset has a file of that name already (see ``is_already_exists``).
        """
        from requests_toolbelt.multipart.encoder import MultipartEncoder

        source = Path(path)
        fields: list[tuple[str, Any]] = [("dataset", str(dataset)), ("is_raw", str(bool(is_raw)))]
        tag_text = ",".join(t.strip() for t in tags if t and t.strip())
        if tag_text:
            fields.append(("tags", tag_text))
        with source.open("rb") as handle:
            reader = _HashingReader(handle, digest, cancel)
            fields.append(("file", (file_name or source.name, reader, "application/octet-stream")))
            body = _Body(MultipartEncoder(fields=fields), progress)
            try:
                response = self.session.request(
                    "POST",
                    self.path,
                    data=body,
                    headers={"Content-Type": body.content_type},
                    retry=False,
                )
            except errors.ConnectionFailed as exc:
                if cancel is not None and cancel.is_set():
                    raise UploadCancelled("upload cancelled") from exc
                raise
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
