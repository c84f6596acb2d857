"""The altitude chart drawn in text for a terminal, with plotille.

plotille draws in braille dots (eight dots a character), keeps within the width asked (80
columns here), labels its axes itself, and its colours can be turned off: the
curves are then told apart by the letter printed along each one, so a piped chart still reads.
uniplot draws well too, but without colour its curves cannot be told apart.
"""

from __future__ import annotations

import datetime as dt
import string
import textwrap

import numpy as np

from .chart_data import chart_data, datetimes
from .visibility import Observation

#: The plot's own width: with its axes and labels the chart fits 80 columns.
WIDTH, HEIGHT = 50, 16
MOST = 8
COLOURS = ("red", "green", "blue", "yellow", "cyan", "magenta", "bright_red", "bright_green")


def text_chart(obs: Observation, *, color: bool = False, width: int = WIDTH,
               height: int = HEIGHT) -> str:
    """Altitude (degrees) against time (UTC) for the best-ranked targets and the moon."""
    import plotille

    data = chart_data(obs, MOST)
    origin = data.start.timestamp()

    def hours(seconds: np.ndarray) -> list[dt.datetime]:
        return datetimes(seconds)

    fig = plotille.Figure()
    fig.width, fig.height = width, height
    fig.with_colors = color
    span = (data.end.timestamp() - origin) / 3600.0
    fig.set_x_limits(data.start, data.end)
    fig.set_y_limits(0.0, 90.0)
    fig.x_label, fig.y_label = "UTC", "alt"
    fig.register_label_formatter(dt.datetime, _clock)
    fig.register_label_formatter(float, _degrees)
    fig.axhline(data.limit / 90.0)
    legend = []
    for darkness in (4,):
        for begin, finish, level in data.shades:
            if level == darkness:
                fig.axvline((begin.timestamp() - origin) / 3600.0 / span)
                fig.axvline((finish.timestamp() - origin) / 3600.0 / span)
    for index, curve in enumerate(data.curves):
        letter = string.ascii_lowercase[index]
        colour = COLOURS[index % len(COLOURS)] if color else None
        x, y = hours(curve.seconds), np.clip(curve.altitude, -1.0, 90.0)
        fig.plot(x, list(y), lc=colour, label=curve.name)
        marks = [i for i in range(0, len(x), max(1, len(x) // 6)) if 0 <= y[i] <= 90]
        fig.text([x[i] for i in marks], [float(y[i]) for i in marks], [letter] * len(marks), lc=colour)
        legend.append(f"{letter} {curve.name}")
    moon_x, moon_y = hours(data.moon.seconds), np.clip(data.moon.altitude, -1.0, 90.0)
    fig.plot(moon_x, list(moon_y), lc="white" if color else None, label="Moon")
    marks = [i for i in range(0, len(moon_x), max(1, len(moon_x) // 8)) if 0 <= moon_y[i] <= 90]
    fig.text([moon_x[i] for i in marks], [float(moon_y[i]) for i in marks], ["m"] * len(marks))
    legend.append("m Moon")
    lines = [data.title, fig.show(legend=False)]
    lines.extend(textwrap.wrap("  ".join(legend), 80))
    lines.append(f"level line: altitude limit {data.limit:g} deg; upright lines: astronomical night")
    return "\n".join(lines)


def _degrees(value: float, chars: int, delta: object, left: bool = False) -> str:
    return f"{value:.0f}".rjust(chars)


def _clock(moment: dt.datetime, chars: int, delta: object, left: bool = False) -> str:
    text = f"{moment.astimezone(dt.timezone.utc):%H:%M}"
    return text.rjust(chars) if left else text.ljust(chars)
