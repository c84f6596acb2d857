"""What a file is, by the core's rule (content first, then the extension), as the server sees it."""

from __future__ import annotations

import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Protocol

from arcsecond_core.filetypes import FileInfo, inspect

#: The type and compression of a file (``headers`` and ``error`` set when they were read).
Kind = FileInfo


def classify(path: str | os.PathLike[str], file_name: str | None = None) -> Kind:
    """The Kind of the file at ``path``, sent as ``file_name`` (default: its base name); a
    broken file is described, never an error."""
    return inspect(path, file_name, headers=False)


class Named(Protocol):
    """A local file as the scan gives it: where it is, and the name it is sent as."""

    @property
    def path(self) -> os.PathLike[str]: ...

    @property
    def remote_name(self) -> str: ...


def classify_all(files: Sequence[Named], threads: int = 8) -> list[Kind]:
    """The Kind of each of ``files``, several at a time (decompressing a bzip2 block takes a
    while)."""
    if len(files) < 2:
        return [classify(item.path, item.remote_name) for item in files]
    with ThreadPoolExecutor(max_workers=threads, thread_name_prefix="arcsecond-classify") as pool:
        return list(pool.map(lambda item: classify(item.path, item.remote_name), files))
