"""The Jinja2 environment of the server's HTML pages: autoescaped templates and display filters."""

from __future__ import annotations

import datetime as dt
import json
from functools import lru_cache
from typing import Any

from jinja2 import Environment, PackageLoader, TemplateNotFound

from .html_context import short

UNITS = ("bytes", "KB", "MB", "GB", "TB", "PB")


def human_size(size: Any) -> str:
    """A byte count in human units, powers of 1000 as file browsers show them (``1.5 MB``)."""
    if not isinstance(size, (int, float)) or isinstance(size, bool):
        return "—"
    value = float(size)
    for unit in UNITS:
        if abs(value) < 1000 or unit == UNITS[-1]:
            break
        value /= 1000
    if unit == "bytes":
        return "1 byte" if size == 1 else f"{int(size)} bytes"
    return f"{value:.1f} {unit}"


def when(value: Any) -> str:
    """An ISO date-time shown as ``YYYY-MM-DD HH:MM:SS`` (UTC when it says so); text otherwise."""
    if not isinstance(value, str) or not value:
        return "—" if value in (None, "") else str(value)
    try:
        moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return value
    shown = moment.strftime("%Y-%m-%d %H:%M:%S")
    return f"{shown} UTC" if moment.utcoffset() == dt.timedelta(0) else shown


def clip(value: Any, length: int = 24) -> str:
    """Long text cut for a table cell (the whole of it goes in the cell's title)."""
    text = str(value)
    return text if len(text) <= length else text[: length - 1] + "…"


def singular(resource: str) -> str:
    """A resource's name for one of its objects: ``datafiles`` -> ``Data file``."""
    text = label(resource)
    if text.endswith("ies"):
        return text[:-3] + "y"
    return text[:-1] if text.endswith("s") else text


def pretty_json(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False)


def quantity(value: Any) -> str:
    """A quantity ``{value, unit, error_max, error_min}`` as ``1.2 ± 0.1 M_jup`` (or ``+a / -b``)."""
    if not isinstance(value, dict):
        return "—" if value is None else str(value)
    number = value.get("value")
    if number is None:
        return "—"
    text = f"{number:g}" if isinstance(number, (int, float)) else str(number)
    high, low = value.get("error_max"), value.get("error_min")
    if high is not None and low is not None and abs(high) == abs(low):
        text += f" ± {abs(high):g}"
    elif high is not None or low is not None:
        text += f" (+{abs(high or 0):g} / -{abs(low or 0):g})"
    unit = value.get("unit")
    return f"{text} {unit}" if unit else text


def sexagesimal(degrees: Any, hours: bool = False) -> str:
    """An angle in degrees as ``HH:MM:SS.S`` (right ascension) or ``+DD:MM:SS`` (declination)."""
    if not isinstance(degrees, (int, float)) or isinstance(degrees, bool):
        return "—"
    value = degrees / 15 if hours else degrees
    sign = "-" if value < 0 else ("" if hours else "+")
    tenths = round(abs(value) * 36000) if hours else round(abs(value) * 3600)
    whole, rest = divmod(tenths, 36000 if hours else 3600)
    minutes, seconds = divmod(rest, 600 if hours else 60)
    if hours:
        return f"{whole:02d}:{minutes:02d}:{seconds / 10:04.1f}"
    return f"{sign}{whole:02d}:{minutes:02d}:{seconds:02d}"


def label(field_name: str) -> str:
    """A field name as a column heading: ``date_obs`` -> ``Date obs``."""
    special = {
        "date_obs": "DATE-OBS", "uuid": "UUID", "id": "ID", "ICRS_coordinates": "ICRS coordinates",
        "datafiles": "Data files", "nightlogs": "Night logs", "datapackages": "Data packages",
        "observingsites": "Observing sites", "observingruns": "Observing runs",
        "targetlists": "Target lists", "nightplans": "Night plans",
    }
    return special.get(field_name, field_name.replace("_", " ").capitalize())


@lru_cache(maxsize=1)
def environment() -> Environment:
    """The one template environment: every template is autoescaped, undefined names are empty."""
    env = Environment(
        loader=PackageLoader(__package__ or "arcsecond_plugins.server", "templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(human_size=human_size, when=when, pretty_json=pretty_json,
                       quantity=quantity, label=label, short=short, clip=clip,
                       singular=singular, sexagesimal=sexagesimal)
    return env


def first_template(*names: str) -> Any:
    """The first of ``names`` that exists (a resource's own template before the generic one)."""
    env = environment()
    for name in names:
        try:
            return env.get_template(name)
        except TemplateNotFound:
            continue
    raise TemplateNotFound(", ".join(names))


def render(names: str | tuple[str, ...], **context: Any) -> str:
    """The first existing template of ``names`` rendered with ``context``."""
    return first_template(*((names,) if isinstance(names, str) else names)).render(**context)
