"""Tables that fit the terminal without breaking identifiers or dates across lines.

cliff's table formatter shrinks every wide column alike, which splits UUIDs and timestamps. Here,
before cliff sees the rows, optional columns are left out (least useful first) until the table
fits; then free text (names, descriptions) is wrapped on word boundaries into the width left by
the columns that must stay whole. Only tables on a terminal (or with ``--max-width``) are fitted:
piped output keeps every column and full values.
"""

from __future__ import annotations

import argparse
import sys
import textwrap
from collections.abc import Iterable, Sequence
from typing import Any

from cliff.columns import FormattableColumn

from arcsecond_core.cli.base import terminal_width

#: Narrowest a wrapped text column gets.
MIN_TEXT_WIDTH = 8
#: Text is wrapped down to this width before any column is left out.
COMFORTABLE_TEXT_WIDTH = 20


def table_width(parsed_args: argparse.Namespace) -> int:
    """The width to fit a table to: ``--max-width``, else the terminal's; 0 for no fitting."""
    max_width = int(getattr(parsed_args, "max_width", 0) or 0)
    if max_width > 0:
        return max_width
    if sys.stdout.isatty() or getattr(parsed_args, "fit_width", False):
        # Not cliff.utils.terminal_width: cliff 4.0 wants a stream, later releases none.
        return terminal_width(sys.stdout)
    return 0


def cell_text(value: Any) -> str:
    if isinstance(value, FormattableColumn):
        value = value.human_readable()
    return "" if value is None else str(value)


def _widths(columns: Sequence[str], rows: Sequence[Sequence[str]]) -> list[int]:
    return [
        max([len(name), *(max((len(line) for line in row[i].split("\n")), default=0)
                          for row in rows)])
        for i, name in enumerate(columns)
    ]


def _total(widths: Iterable[int]) -> int:
    widths = list(widths)
    return sum(widths) + 3 * len(widths) + 1  # "| a | b |"


def fit(
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    width: int,
    *,
    optional: Sequence[str] = (),
    wrappable: Sequence[str] = (),
) -> tuple[tuple[str, ...], list[tuple[Any, ...]]]:
    """The columns and rows of a table at most ``width`` characters wide, when it can be done.

    ``wrappable`` columns are wrapped down to a comfortable width first; then ``optional``
    columns are left out in that order while the table is still too wide; then the wrappable
    columns are narrowed further. Other columns are never cut.
    """
    rows = [tuple(row) for row in rows]
    texts = [[cell_text(cell) for cell in row] for row in rows]
    widths = _widths(columns, texts)
    wrap = {i for i, name in enumerate(columns) if name in wrappable}

    def narrowest(i: int, floor: int) -> int:
        return min(widths[i], max(floor, len(columns[i]))) if i in wrap else widths[i]

    keep = list(range(len(columns)))
    for name in optional:
        if _total(narrowest(i, COMFORTABLE_TEXT_WIDTH) for i in keep) <= width:
            break
        if name in columns and len(keep) > 1:
            keep.remove(columns.index(name))
    limits = {i: widths[i] for i in keep if i in wrap}
    excess = _total(widths[i] for i in keep) - width
    while excess > 0 and limits:  # narrow the widest text column, one character at a time
        widest = max(limits, key=lambda i: limits[i])
        if limits[widest] <= narrowest(widest, MIN_TEXT_WIDTH):
            break
        limits[widest] -= 1
        excess -= 1
    fitted = []
    for row, text in zip(rows, texts, strict=True):
        cells = []
        for i in keep:
            if i in limits and len(text[i]) > limits[i]:
                cells.append("\n".join(textwrap.wrap(text[i], limits[i], break_on_hyphens=False)))
            else:
                cells.append(row[i])
        fitted.append(tuple(cells))
    return tuple(columns[i] for i in keep), fitted
