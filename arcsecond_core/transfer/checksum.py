"""The sha256 of a file, read block by block: what the upload ledger records and what a download
checks its bytes against."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any

#: Bytes read at a time.
BLOCK = 1024 * 1024


def sha256_of(path: str | os.PathLike[str], size: int | None = None) -> str:
    """The sha256 of a file (of its first ``size`` bytes when given), as hex."""
    return sha256_prefix(Path(path), size).hexdigest()


def sha256_prefix(path: Path, size: int | None) -> Any:
    """A ``hashlib`` sha256 fed with the first ``size`` bytes of ``path`` (all when None), ready
    to take the bytes that follow."""
    digest = hashlib.sha256()
    if size == 0:
        return digest
    with path.open("rb") as handle:
        left = size
        while left is None or left > 0:
            block = handle.read(BLOCK if left is None else min(BLOCK, left))
            if not block:
                break
            digest.update(block)
            if left is not None:
                left -= len(block)
    return digest
