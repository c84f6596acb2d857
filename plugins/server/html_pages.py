"""What the specialised pages show beyond the object itself, gathered through the JSON API.

Each provider takes the page and the object's JSON and returns extra template variables; the
template ``<resource>_detail.html`` shows them. Resources without a provider get the generic page.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from arcsecond_core.nightsummary import frame_from_record, summarize

from .html_chart import night_chart
from .html_context import Page
from .rest import MAX_PAGE_SIZE

MAX_RELATED = 200
FRAME_KINDS = (("observation", "observations"), ("calibration", "calibrations"))


def _frames_of(page: Page, files: list[dict[str, Any]]) -> dict[int, dict[str, Any]]:
    """The observation or calibration of each data file, by the data file's id."""
    frames: dict[int, dict[str, Any]] = {}
    nights = sorted({f["night_log"] for f in files if f.get("night_log")})
    for night in nights:
        for _kind, resource in FRAME_KINDS:
            for frame in page.fetch_all(resource, night_log=night) or []:
                frames[frame["datafile"]] = frame
    missing = [(kind, f[kind]) for f in files if f["id"] not in frames
               for kind, _resource in FRAME_KINDS if f.get(kind) is not None]
    for kind, frame_id in missing[:MAX_RELATED]:
        frame = page.fetch_one(f"{kind}s", frame_id)
        if frame:
            frames[frame["datafile"]] = frame
    return frames


def dataset(page: Page, data: dict[str, Any]) -> dict[str, Any]:
    """A dataset's data files, a page of them at a time, with their object and night log."""
    try:
        number = max(1, int(page.request.args.get("page") or 1))
    except ValueError:
        number = 1
    answer = page.fetch(page.url("datafiles"), dataset=data["uuid"], page=number,
                        page_size=MAX_PAGE_SIZE)
    if not isinstance(answer, dict):
        return {"files": None, "files_count": data.get("data_files_count")}
    files = answer.get("results", [])
    frames = _frames_of(page, files)
    rows = [{"file": f, "frame": frames.get(f["id"]),
             "night": page.label("night_log", f["night_log"]) if f.get("night_log") else None}
            for f in files]
    dates = sorted(f["date_obs"] for f in files if f.get("date_obs"))
    return {
        "files": rows, "files_count": answer.get("count", len(rows)), "files_page": number,
        "files_pages": max(1, -(-int(answer.get("count", 0)) // MAX_PAGE_SIZE)),
        "total_size": sum(f.get("size") or 0 for f in files),
        "first_obs": dates[0] if dates else None, "last_obs": dates[-1] if dates else None,
        "nights_count": len({f["night_log"] for f in files if f.get("night_log")}),
    }


def _grouped(frames: list[dict[str, Any]], key: str, missing: str) -> list[tuple[str, list]]:
    """Frames grouped by ``key``, each group in time order, groups by their first frame's time."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for frame in frames:
        groups.setdefault(frame.get(key) or missing, []).append(frame)
    for members in groups.values():
        members.sort(key=lambda f: (f.get("date_obs") or "", f["id"]))
    return sorted(groups.items(), key=lambda item: (item[1][0].get("date_obs") or "", item[0]))


def nightlog(page: Page, data: dict[str, Any]) -> dict[str, Any]:
    """A night's summary (groups and missing calibrations), its observations by target and
    calibrations by kind, in time order, with files."""
    files = page.fetch_all("datafiles", night_log=data["uuid"])
    observations = page.fetch_all("observations", night_log=data["uuid"]) or []
    calibrations = page.fetch_all("calibrations", night_log=data["uuid"]) or []
    by_id = {f["id"]: f for f in files or []}
    framed = {f["datafile"] for f in observations + calibrations}
    return {
        "files": by_id if files is not None else None,
        "observation_groups": _grouped(observations, "target_name", "(no target)"),
        "calibration_groups": _grouped(calibrations, "kind", "(unknown kind)"),
        "observations_count": len(observations), "calibrations_count": len(calibrations),
        "unframed": [f for f in files or [] if f["id"] not in framed],
        **planned(page, data.get("nightplan"), observations),
        "night_summary": summarize(frame_from_record(f) for f in observations + calibrations),
    }


def _key(name: Any) -> str:
    return "".join(ch for ch in str(name or "").casefold() if ch.isalnum())


def planned(page: Page, plan_uuid: str | None,
            observations: list[dict[str, Any]]) -> dict[str, Any]:
    """The night plan of a night log, each slot beside the observations of its target."""
    plan = page.fetch_one("nightplans", plan_uuid) if plan_uuid else None
    if plan is None:
        return {"plan": None, "planned_slots": []}
    rows = []
    for item in plan["slots"]:
        seen = [o for o in observations if _key(o.get("target_name")) == _key(item["target_name"])]
        exposure = sum(o.get("exposure_time") or 0 for o in seen)
        rows.append({"slot": item, "observed": len(seen), "exposure": exposure})
    return {"plan": plan, "planned_slots": rows}


def targetlist(page: Page, data: dict[str, Any]) -> dict[str, Any]:
    """A target list's targets, each with the position it is observed at."""
    rows = []
    for item in data.get("targets", []):
        position = item.get("coordinates") or item["object"]["equatorial_coordinates"]
        rows.append({"target": item, "ra": position["right_ascension"],
                     "dec": position["declination"]})
    return {"list_targets": rows, **night_chart(page, data)}


def datapackage(page: Page, data: dict[str, Any]) -> dict[str, Any]:
    """The datasets and night logs a data package holds, each with its name and size."""
    datasets = [(uuid, page.fetch_one("datasets", uuid))
                for uuid in data.get("datasets", [])[:MAX_RELATED]]
    nightlogs = [(uuid, page.fetch_one("nightlogs", uuid))
                 for uuid in data.get("nightlogs", [])[:MAX_RELATED]]
    return {"package_datasets": datasets, "package_nightlogs": nightlogs}


def allskycamera(page: Page, data: dict[str, Any]) -> dict[str, Any]:
    """A camera's latest image (shown when a browser can show its kind) and its images' page."""
    from urllib.parse import urlparse

    from .allsky_images import SHOWN_INLINE

    latest = None
    if data.get("latest_image"):
        latest = page.fetch(urlparse(data["latest_image"]).path.removesuffix("file/"))
    images = f"{page.url('allskycameras', data['uuid'])}images/"
    return {"latest": latest, "images_page": images,
            "inline": bool(latest) and latest.get("content_type") in SHOWN_INLINE}


PROVIDERS: dict[str, Callable[[Page, dict[str, Any]], dict[str, Any]]] = {
    "allskycameras": allskycamera,
    "datasets": dataset,
    "nightlogs": nightlog,
    "datapackages": datapackage,
    "targetlists": targetlist,
}
