"""What a night holds and what is missing to reduce it: frames in, a summary out.

Pure: no I/O. The frames come from local headers (``night summary``, ``upload --dry-run``) or
from the server's observations and calibrations (``nightlog summary``, the night log's page).

Groups are keyed by kind, target, filter, exposure time and binning. A calibration's target is
left out of its key (a bias named "Bias" or "zero" is the same bias), and so is the filter of a
bias or dark (neither depends on it). ``missing`` lists what the lights need and the night
lacks, binning considered (a calibration matches a light of the same binning; an unknown
binning matches any):

- a flat for each filter some lights used;
- a dark of each lights' exposure time; when only longer darks exist, "a scaled dark could
  serve" (scaled with the bias);
- bias frames, when there are none (scaled darks need them).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from .frames import (
    FRAME_KINDS,
    IMAGE_TYPE_KEYS,
    OBJECT_KEYS,
    binning_of,
    exposure_of,
    filter_of,
    first,
    frame_kind,
    observation_time,
)

#: Exposure times closer than this (seconds, or this fraction of the time) are the same.
EXPOSURE_TOLERANCE = 0.01
GROUP_FIELDS = ("kind", "target", "filter", "exposure", "binning", "count", "exposure_total",
                "first", "last")
MISSING_FIELDS = ("kind", "filter", "exposure", "binning", "reason")
UNREADABLE_FIELDS = ("path", "reason")
PARTS = {"groups": GROUP_FIELDS, "missing": MISSING_FIELDS, "unreadable": UNREADABLE_FIELDS}


@dataclass(frozen=True)
class Frame:
    """One frame as a summary sees it; ``date_obs`` is an ISO 8601 UTC time."""

    kind: str
    target: str | None = None
    filter: str | None = None
    exposure: float | None = None
    binning: str | None = None
    date_obs: str | None = None


def frame_from_headers(headers: dict[str, Any]) -> Frame:
    """The frame a file's headers describe (the server's reading of them)."""
    target = first(headers, *OBJECT_KEYS)
    when = observation_time(headers)
    return Frame(
        kind=frame_kind(first(headers, *IMAGE_TYPE_KEYS)),
        target=None if target is None else str(target).strip() or None,
        filter=filter_of(headers),
        exposure=exposure_of(headers),
        binning=binning_of(headers),
        date_obs=None if when is None else when.isoformat().replace("+00:00", "Z"),
    )


def frame_from_record(record: dict[str, Any]) -> Frame:
    """The frame of an observation or calibration as the API sends it."""
    kind = str(record.get("kind") or "light")
    exposure = record.get("exposure_time")
    return Frame(
        kind=kind if kind in FRAME_KINDS else "other",
        target=record.get("target_name") or None,
        filter=record.get("filter") or None,
        exposure=float(exposure) if isinstance(exposure, (int, float)) else None,
        binning=record.get("binning") or None,
        date_obs=record.get("date_obs") or None,
    )


def _key(frame: Frame) -> tuple[Any, ...]:
    calibration = frame.kind in ("bias", "dark", "flat")
    return (
        frame.kind,
        None if calibration else frame.target,
        None if frame.kind in ("bias", "dark") else frame.filter,
        None if frame.exposure is None else round(frame.exposure, 3),
        frame.binning,
    )


def _order(key: tuple[Any, ...]) -> tuple[Any, ...]:
    kind, *rest = key
    rank = FRAME_KINDS.index(kind) if kind in FRAME_KINDS else len(FRAME_KINDS)
    return (rank, *((value is None, value if value is not None else "") for value in rest))


def groups_of(frames: Iterable[Frame]) -> list[dict[str, Any]]:
    """The frames grouped by kind, target, filter, exposure and binning, in a stable order."""
    grouped: dict[tuple[Any, ...], list[Frame]] = defaultdict(list)
    for frame in frames:
        grouped[_key(frame)].append(frame)
    rows = []
    for key in sorted(grouped, key=_order):
        members = grouped[key]
        dates = sorted(frame.date_obs for frame in members if frame.date_obs)
        total = sum(frame.exposure or 0.0 for frame in members)
        rows.append(dict(zip(GROUP_FIELDS, (
            *key, len(members), round(total, 3), dates[0] if dates else None,
            dates[-1] if dates else None,
        ), strict=True)))
    return rows


def same_exposure(a: float, b: float) -> bool:
    return abs(a - b) <= max(EXPOSURE_TOLERANCE, EXPOSURE_TOLERANCE * max(a, b))


def fits_binning(calibration: Frame, binning: str | None) -> bool:
    """True when ``calibration`` can serve lights of ``binning`` (unknown matches any)."""
    return calibration.binning is None or binning is None or calibration.binning == binning


def _seconds(value: float) -> str:
    return f"{value:g} s"


def _binned(binning: str | None) -> str:
    """`` binned 2x2`` for a binning worth saying (not 1x1, not unknown)."""
    return f" binned {binning}" if binning and binning != "1x1" else ""


def _lights(count: int) -> str:
    return f"{count} light{'s' if count != 1 else ''}"


def missing_of(frames: Iterable[Frame]) -> list[dict[str, Any]]:
    """What the lights need to be reduced and the frames lack (see the module's docstring)."""
    frames = list(frames)
    lights = [frame for frame in frames if frame.kind == "light"]
    by_kind: dict[str, list[Frame]] = defaultdict(list)
    for frame in frames:
        by_kind[frame.kind].append(frame)
    missing: list[dict[str, Any]] = []
    missing.extend(_missing_flats(lights, by_kind["flat"]))
    darks, scaled = _missing_darks(lights, by_kind["dark"])
    missing.extend(darks)
    missing.extend(_missing_bias(lights, by_kind["bias"], scaled))
    return missing


def _needs(lights: list[Frame], field: str) -> dict[tuple[Any, str | None], int]:
    """How many lights need each (value of ``field``, binning), in a stable order."""
    counts: dict[tuple[Any, str | None], int] = defaultdict(int)
    for light in lights:
        counts[(getattr(light, field), light.binning)] += 1
    return dict(sorted(counts.items(), key=lambda item: tuple(
        (value is None, value if value is not None else "") for value in item[0])))


def _missing_flats(lights: list[Frame], flats: list[Frame]) -> list[dict[str, Any]]:
    missing = []
    for (filter_name, binning), count in _needs(lights, "filter").items():
        same_filter = [flat for flat in flats if flat.filter == filter_name]
        if any(fits_binning(flat, binning) for flat in same_filter):
            continue
        what = f"filter {filter_name}" if filter_name else "lights without a filter"
        if same_filter:
            others = ", ".join(sorted({flat.binning or "?" for flat in same_filter}))
            reason = f"the flats for {what} are binned {others}, the lights {binning}"
        else:
            reason = f"no flat for {what} ({_lights(count)}{_binned(binning)})"
        missing.append({"kind": "flat", "filter": filter_name, "binning": binning,
                        "reason": reason})
    return missing


def _missing_darks(lights: list[Frame], darks: list[Frame]
                   ) -> tuple[list[dict[str, Any]], list[str | None]]:
    """Missing darks, and the binnings for which a scaled dark was proposed."""
    missing, scaled = [], []
    for (exposure, binning), count in _needs(lights, "exposure").items():
        if exposure is None:
            continue
        usable = [dark for dark in darks if dark.exposure is not None and fits_binning(dark, binning)]
        if any(same_exposure(dark.exposure, exposure) for dark in usable):  # type: ignore[arg-type]
            continue
        longer = sorted({dark.exposure for dark in usable if dark.exposure > exposure})  # type: ignore[operator]
        if longer:
            scaled.append(binning)
            reason = (f"no {_seconds(exposure)} dark{_binned(binning)} ({_lights(count)}): a scaled "
                      f"dark could serve (the {_seconds(longer[0])} darks, scaled with the bias)")
        else:
            elsewhere = [dark for dark in darks if dark.exposure is not None
                         and same_exposure(dark.exposure, exposure)]
            reason = (f"the {_seconds(exposure)} darks are binned "
                      f"{', '.join(sorted({d.binning or '?' for d in elsewhere}))}, the lights "
                      f"{binning}" if elsewhere else
                      f"no {_seconds(exposure)} dark{_binned(binning)} ({_lights(count)})")
        missing.append({"kind": "dark", "exposure": exposure, "binning": binning,
                        "reason": reason})
    return missing, scaled


def _missing_bias(lights: list[Frame], biases: list[Frame],
                  scaled: list[str | None]) -> list[dict[str, Any]]:
    missing = []
    for (_, binning), count in _needs(lights, "kind").items():
        if any(fits_binning(bias, binning) for bias in biases):
            continue
        if biases:
            binned = ", ".join(sorted({bias.binning or "?" for bias in biases}))
            reason = f"the bias frames are binned {binned}, the lights {binning} ({_lights(count)})"
        else:
            reason = f"no bias frames ({_lights(count)}{_binned(binning)})"
        if any(other is None or binning is None or other == binning for other in scaled):
            reason += ": the scaled darks need them"
        missing.append({"kind": "bias", "binning": binning, "reason": reason})
    return missing


def summarize(frames: Iterable[Frame],
              unreadable: Iterable[dict[str, Any]] = ()) -> dict[str, list[dict[str, Any]]]:
    """``{"groups": [...], "missing": [...], "unreadable": [...]}`` of a night's frames."""
    frames = list(frames)
    return {
        "groups": groups_of(frames),
        "missing": missing_of(frames),
        "unreadable": [dict(item) for item in unreadable],
    }
