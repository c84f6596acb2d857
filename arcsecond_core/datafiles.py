"""The data-file resource: multipart uploads streamed from disk, and streamed downloads."""

from __future__ import annotations

import os
import threading
import uuid
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from arcsecond_core import errors
from arcsecond_core.formnames import content_disposition
from arcsecond_core.resources import Record, Resource
from arcsecond_core.session import ArcsecondSession

ALREADY_EXISTS_MARKER = "already exists in dataset"
#: How much of the multipart body is handed to the socket at a time.
SEND_BLOCK = 1024 * 1024
ProgressCallback = Callable[[int], None]


class UploadCancelled(errors.ArcsecondError):
    """An upload stopped on request before its body was fully sent."""


class FileChanged(errors.ArcsecondError):
    """A file's size changed while it was being sent; the request was abandoned."""


class MultipartFileBody:
    """A ``multipart/form-data`` body: text fields, then one file streamed from disk.

    The file name is encoded as :mod:`arcsecond_core.formnames` says, so that it arrives exactly.

    Read by the HTTP connection block after block: the file is read with ``readinto`` into one
    reused buffer, so memory stays constant and no byte is copied in Python. The length is known
    in advance (``Content-Length``); a file that shrinks or grows meanwhile raises FileChanged.
    Each block is reported to ``progress``, fed to ``digest``; ``cancel`` stops the body.
    """

    def __init__(
        self,
        fields: list[tuple[str, str]],
        file_field: str,
        file_name: str,
        handle: Any,
        *,
        progress: ProgressCallback | None = None,
        digest: Any = None,
        cancel: threading.Event | None = None,
        block_size: int = SEND_BLOCK,
        throttle: Any = None,
    ) -> None:
        from urllib3.fields import RequestField

        boundary = uuid.uuid4().hex
        parts = []
        for name, value in fields:
            part = RequestField(name=name, data=value)
            part.make_multipart()
            parts.append(f"--{boundary}\r\n{part.render_headers()}{value}\r\n".encode())
        parts.append(
            f"--{boundary}\r\nContent-Disposition: {content_disposition(file_field, file_name)}"
            "\r\nContent-Type: application/octet-stream\r\n\r\n".encode()
        )
        self._head = b"".join(parts)
        self._tail = f"\r\n--{boundary}--\r\n".encode()
        self._handle = handle
        self._left = os.fstat(handle.fileno()).st_size - handle.tell()
        # No bigger than the file: a 1 MiB buffer zeroed for each 100 KB file costs more than
        # sending it. Under a bandwidth cap, small blocks keep the rate smooth.
        if throttle is not None:
            block_size = min(block_size, throttle.block_size)
        self._throttle = throttle
        self._buffer = bytearray(max(1, min(block_size, self._left)))
        self._view = memoryview(self._buffer)
        self._progress = progress
        self._digest = digest
        self._cancel = cancel
        self._name = file_name
        self.content_type = f"multipart/form-data; boundary={boundary}"
        self.len = len(self._head) + self._left + len(self._tail)

    def read(self, size: int = -1) -> bytes | memoryview:
        if self._cancel is not None and self._cancel.is_set():
            raise UploadCancelled("upload cancelled")
        if self._head:
            chunk, self._head = self._head, b""
            self._report(len(chunk))
            return chunk
        if self._left > 0:
            view = self._view[: min(self._left, len(self._buffer))]
            count = self._handle.readinto(view)
            if not count:
                raise FileChanged(f"{self._name} shrank while it was being sent")
            self._left -= count
            if self._throttle is not None and not self._throttle.take(count, self._cancel):
                raise UploadCancelled("upload cancelled")
            if self._digest is not None:
                self._digest.update(view[:count])
            self._report(count)
            return view[:count]
        if self._tail:
            if self._handle.read(1):
                raise FileChanged(f"{self._name} grew while it was being sent")
            chunk, self._tail = self._tail, b""
            self._report(len(chunk))
            return chunk
        return b""

    def _report(self, count: int) -> None:
        if self._progress is not None:
            self._progress(count)


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
        throttle: Any = None,
    ) -> Record:
        """Upload one file into ``dataset`` (a UUID), streamed from disk; sent once, no retry.

        ``progress`` is called with the number of body bytes handed to the connection, block
        after block; ``digest`` (a hashlib object) is updated with the file's bytes as they are
        read; when ``cancel`` is set the body stops and UploadCancelled is raised; a file whose
        size changes meanwhile raises FileChanged. ``throttle`` (a
        :class:`~arcsecond_core.transfer.bandwidth.Bandwidth`) caps the rate at which the file
        is read. Memory stays constant whatever the size.

        Raises ValidationError whose message contains ``already exists in dataset`` when the
        dataset has a file of that name already (see ``is_already_exists``).
        """
        source = Path(path)
        fields = [("dataset", str(dataset)), ("is_raw", str(bool(is_raw)))]
        tag_text = ",".join(t.strip() for t in tags if t and t.strip())
        if tag_text:
            fields.append(("tags", tag_text))
        with source.open("rb", buffering=0) as handle:
            body = MultipartFileBody(
                fields, "file", file_name or source.name, handle,
                progress=progress, digest=digest, cancel=cancel, throttle=throttle,
            )
            try:
                response = self.session.request(
                    "POST",
                    self.path,
                    data=body,
                    headers={"Content-Type": body.content_type},
                    retry=False,
                    transfer=True,
                )
            except errors.ConnectionFailed as exc:
                if cancel is not None and cancel.is_set():
                    raise UploadCancelled("upload cancelled") from exc
                raise
        return self.session.expect_object(response)

    def download_path(self, object_id: int | str) -> str:
        """The API path of data file ``object_id``'s bytes."""
        return self._detail(object_id, "download")

    def download(
        self,
        object_id: int | str,
        destination: str | os.PathLike[str],
        *,
        progress: ProgressCallback | None = None,
        record: Record | None = None,
        cancel: threading.Event | None = None,
        retries: int = 10,
    ) -> Path:
        """Stream the bytes of data file ``object_id`` to ``destination``: resumed after a
        broken-off attempt (HTTP range requests), checked against the server's size and sha256,
        fsynced and renamed into place; retried with backoff on network and server errors.

        ``record`` is the data file's object when the caller has read it already. A checksum
        that does not match raises ChecksumMismatch and leaves no file.
        """
        from arcsecond_core.retrying import Backoff
        from arcsecond_core.transfer.fetch import Remote, fetch

        remote = Remote.of(record if record is not None else self.read(object_id))
        fetched = fetch(self.session, self.download_path(object_id), Path(destination), remote,
                        portal=self.portal_scoped, progress=progress, cancel=cancel,
                        policy=Backoff(attempts=retries))
        return fetched.path


def is_already_exists(error: Exception) -> bool:
    """True for the server's answer to a second upload of a file name into one dataset."""
    return isinstance(error, errors.ValidationError) and ALREADY_EXISTS_MARKER in str(error)
