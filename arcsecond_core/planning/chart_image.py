"""The altitude chart as an image (PNG, SVG, PDF) with matplotlib, imported only here.

matplotlib comes with the ``plot`` extra (``pip install 'arcsecond-cli[plot]'``). The figure is
drawn on its own Agg canvas (no pyplot, no global state), so servers may call it from threads.
"""

from __future__ import annotations

import io
from pathlib import Path

from .chart_data import chart_data, datetimes
from .visibility import Observation

MOST = 20
SHADE = {1: 0.10, 2: 0.20, 3: 0.32, 4: 0.45}
FORMATS = ("png", "svg", "pdf")


def _figure(obs: Observation) -> object:
    import matplotlib.dates as mdates
    from matplotlib.figure import Figure

    data = chart_data(obs, MOST)
    figure = Figure(figsize=(9, 5), dpi=100, layout="constrained")
    axes = figure.add_subplot()
    for begin, finish, darkness in data.shades:
        alpha = SHADE[darkness] - SHADE.get(darkness - 1, 0.0)  # the spans nest: they add up
        axes.axvspan(begin, finish, color="#0b1d3a", alpha=alpha, linewidth=0)
    for curve in data.curves:
        axes.plot(datetimes(curve.seconds), curve.altitude, linewidth=1.6, label=curve.name)
    axes.plot(datetimes(data.moon.seconds), data.moon.altitude, color="0.45", linestyle="--",
              linewidth=1.2, label="Moon")
    axes.axhline(data.limit, color="#b22222", linestyle=":", linewidth=1.2,
                 label=f"limit {data.limit:g}°")
    axes.set_xlim(data.start, data.end)
    axes.set_ylim(0, 90)
    axes.set_ylabel("altitude (degrees)")
    axes.set_xlabel("UTC")
    axes.xaxis.set_major_formatter(mdates.DateFormatter("%H:%M", tz=data.start.tzinfo))
    axes.set_title(data.title)
    axes.grid(alpha=0.3)
    axes.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize="small", frameon=False)
    return figure


def save_chart(obs: Observation, path: str | Path) -> Path:
    """Draw the chart to ``path``; its suffix (.png, .svg, .pdf) picks the format."""
    path = Path(path)
    suffix = path.suffix.lower().lstrip(".")
    if suffix not in FORMATS:
        raise ValueError(f"{path.name}: a chart is a .png, .svg or .pdf file")
    _figure(obs).savefig(path, format=suffix)  # type: ignore[attr-defined]
    return path


def chart_png(obs: Observation) -> bytes:
    """The chart as PNG bytes."""
    buffer = io.BytesIO()
    _figure(obs).savefig(buffer, format="png")  # type: ignore[attr-defined]
    return buffer.getvalue()
