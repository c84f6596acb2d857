"""A night's summary as plain text for people: aligned columns, then what is missing."""

from __future__ import annotations

from typing import Any

GROUP_COLUMNS = ("kind", "target", "filter", "exposure", "binning", "count", "exposure_total",
                 "first", "last")


def cell(value: Any) -> str:
    """A value as a summary shows it: blank for none, ``30`` for 30.0 seconds."""
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def columns_text(columns: tuple[str, ...], rows: list[dict[str, Any]]) -> list[str]:
    """``rows`` under a header line, in columns as wide as their widest cell."""
    cells = [[cell(row.get(name)) for name in columns] for row in rows]
    widths = [max([len(name), *(len(line[i]) for line in cells)]) for i, name in enumerate(columns)]
    lines = ["  ".join(name.ljust(width) for name, width in zip(columns, widths, strict=True))]
    lines.extend("  ".join(text.ljust(width) for text, width in zip(line, widths, strict=True))
                 for line in cells)
    return [line.rstrip() for line in lines]


def summary_lines(summary: dict[str, list[dict[str, Any]]]) -> list[str]:
    """The groups in columns, then one line per missing calibration and unreadable file."""
    lines = ["night summary:"]
    if summary["groups"]:
        lines.extend("  " + line for line in columns_text(GROUP_COLUMNS, summary["groups"]))
    else:
        lines.append("  no frames")
    missing = summary["missing"]
    lines.append("missing: " + ("nothing" if not missing else f"{len(missing)}"))
    lines.extend(f"  {item['kind']}: {item['reason']}" for item in missing)
    unreadable = summary["unreadable"]
    if unreadable:
        lines.append(f"unreadable: {len(unreadable)}")
        lines.extend(f"  {item['path']}: {item['reason']}" for item in unreadable)
    return lines
