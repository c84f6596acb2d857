"""The final report of an upload: the transfer report both directions share."""

from __future__ import annotations

from arcsecond_core.transfer.report import (
    STATUS_ORDER,
    Report,
    write_json,
    write_report,
    write_table,
)

__all__ = ["STATUS_ORDER", "Report", "write_json", "write_report", "write_table"]
