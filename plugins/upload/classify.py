"""What a file is, by the core's rule (content first, then the extension), as the server sees it."""

from __future__ import annotations

import os

from arcsecond_core.filetypes import FileInfo, inspect

#: The type and compression of a file (``headers`` and ``error`` set when they were read).
Kind = FileInfo


def classify(path: str | os.PathLike[str], file_name: str | None = None) -> Kind:
    """The Kind of the file at ``path``, sent as ``file_name`` (default: its base name); a
    broken file is described, never an error."""
    return inspect(path, file_name, headers=False)
