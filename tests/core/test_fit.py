"""Fitting tables to a terminal: text wraps, optional columns go, identifiers stay whole."""

from __future__ import annotations

from arcsecond_core.cli.columns import SizeColumn
from arcsecond_core.cli.fit import fit

UUID = "0dcfa36b-17ad-4607-88c0-ac23c13f8207"


def width_of(columns: tuple[str, ...], rows: list[tuple]) -> int:
    """The width of the frame cliff draws around these cells."""
    cells = [columns, *[tuple(str(getattr(c, "human_readable", lambda c=c: c)()) for c in row)
                        for row in rows]]
    widths = [max(len(line) for row in cells for line in str(row[i]).split("\n"))
              for i in range(len(columns))]
    return sum(widths) + 3 * len(widths) + 1


def test_a_table_that_fits_is_left_alone() -> None:
    columns = ("name", "uuid")
    rows = [("M31", UUID)]
    assert fit(columns, rows, 120, optional=("name",), wrappable=("name",)) == (columns, rows)


def test_text_wraps_before_optional_columns_go_and_identifiers_stay_whole() -> None:
    columns = ("name", "uuid", "size", "created")
    rows = [("Andromeda galaxy deep field second season", UUID, SizeColumn(25_000_000),
             "2026-11-21T22:05:00Z")]
    kept, fitted = fit(columns, rows, 100, optional=("created", "size"), wrappable=("name",))
    assert kept == columns and "\n" in fitted[0][0] and fitted[0][1] == UUID
    assert width_of(kept, fitted) <= 100
    kept, fitted = fit(columns, rows, 60, optional=("created", "size"), wrappable=("name",))
    assert kept == ("name", "uuid") and fitted[0][1] == UUID
    assert width_of(kept, fitted) <= 60
    assert " ".join(fitted[0][0].split("\n")) == rows[0][0]  # wrapped, nothing lost


def test_what_cannot_fit_keeps_its_identifiers() -> None:
    kept, fitted = fit(("uuid", "date"), [(UUID, "2024-03-10")], 30, optional=(), wrappable=())
    assert fitted == [(UUID, "2024-03-10")] and kept == ("uuid", "date")
