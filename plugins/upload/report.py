"""The final report of an upload: the transfer report both directions share, as rows for cliff's
formatters and a headline."""

from __future__ import annotations

from arcsecond_core.transfer.report import (
    ATTENTION_COLUMNS,
    STATUS_ORDER,
    Report,
    as_rows,
    report_rows,
    write_json,
    write_report,
    write_table,
)

__all__ = ["ATTENTION_COLUMNS", "STATUS_ORDER", "Report", "as_rows", "report_rows", "write_json",
           "write_report", "write_table"]
