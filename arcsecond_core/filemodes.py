"""File permissions that work everywhere: ``os.fchmod`` is missing on Windows before Python 3.13."""

from __future__ import annotations

import os


def set_mode(fd: int, path: str | os.PathLike[str], mode: int) -> None:
    """Give the open file ``fd`` (at ``path``) the permissions ``mode``.

    By descriptor where the platform can; by path where ``os.fchmod`` is missing (Windows
    before Python 3.13, where only the read-only bit exists and the call is nearly a no-op).
    """
    fchmod = getattr(os, "fchmod", None)
    if fchmod is not None:
        fchmod(fd, mode)
    else:
        os.chmod(path, mode)

