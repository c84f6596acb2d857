"""One way to write a number of bytes for people, everywhere: uploads, downloads and tables."""

from __future__ import annotations

UNITS = ("B", "KB", "MB", "GB", "TB")
#: Decimal units (1 KB = 1000 bytes), as disks and networks count them.
STEP = 1000


def human_bytes(count: float) -> str:
    """``25.0 MB``: whole bytes below 1 KB, one decimal above."""
    for unit in UNITS:
        if abs(count) < STEP or unit == UNITS[-1]:
            return f"{count:.0f} {unit}" if unit == "B" else f"{count:.1f} {unit}"
        count /= STEP
    return f"{count:.1f} {UNITS[-1]}"  # pragma: no cover - the loop always returns
