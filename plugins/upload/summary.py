"""What an upload's plan will do, for people: the lines of the confirmation question and the
rows of a dry run."""

from __future__ import annotations

from collections import Counter
from typing import Any

from arcsecond_core.masking import mask
from arcsecond_core.transfer.outcome import TOO_RECENT
from arcsecond_core.transfer.progress import human_bytes

from .headers import summarize
from .plan import Plan, recent_note


def summary_lines(plan: Plan) -> list[str]:
    """What will happen, for the confirmation question."""
    api, target = plan.api, plan.dataset
    profile = api.profile
    key = f"{profile.key_type} key {mask(profile.key)}" if profile.key else "no key"
    portal = "none"
    if plan.organisation is not None:
        portal = f"{api.portal} ({plan.organisation.get('name') or api.portal})"
    state = f"existing, {target.uuid}" if target.exists else "new, created before the first file"
    telescope = "none"
    if plan.telescope:
        telescope = f"{plan.telescope.get('name') or '?'} ({plan.telescope.get('uuid')})"
    plan.classify_all()
    kinds = Counter(plan.kind(item).label() for item in plan.files)
    kind_text = ", ".join(f"{label} {count}" for label, count in sorted(kinds.items()))
    total = sum(item.size for item in plan.files)
    sending = plan.to_send
    lines = [
        f"server:    {profile.name} ({profile.api_server})",
        f"user:      {profile.username} ({key})",
        f"portal:    {portal}",
        f"dataset:   {target.name} ({state})",
        f"telescope: {telescope}",
        f"files:     {len(plan.files)} ({human_bytes(total)})" + (f": {kind_text}" if kind_text else ""),
        f"on server: {len(plan.comparison.skipped)} already there" + (
            "" if plan.comparison.listed else
            " (by the local ledger: this key cannot list the dataset's files)"),
        f"to send:   {len(sending)} ({human_bytes(sum(item.size for item in sending))}); "
        f"raw={plan.options.raw}" + (f", tags {', '.join(plan.options.tags)}" if plan.options.tags
                                     else ""),
    ]
    if plan.comparison.conflicts:
        lines.append(f"conflicts: {len(plan.comparison.conflicts)} names already in the dataset "
                     "with other content (not sent; --replace sends them instead)")
    replacing = [d for d in plan.comparison.to_send if d.action == "replace"]
    if replacing:
        lines.append(f"replace:   {len(replacing)} server copies with other content, deleted "
                     "before their file is sent")
    if plan.recent:
        lines.append(f"too recent: {len(plan.recent)} modified less than "
                     f"{plan.options.min_age:g} s ago (--min-age; a later run sends them)")
    excluded = plan.options.rules.summary(plan.scanned.excluded)
    if excluded:
        lines.append(f"excluded:  {excluded}")
    if plan.bandwidth is not None:
        lines.append(f"bandwidth: {plan.bandwidth.timetable.describe()}")
    left = plan.scanned.problems
    if left or plan.scanned.hidden:
        reasons = Counter(problem.reason for problem in left)
        if plan.scanned.hidden:
            reasons["hidden"] = plan.scanned.hidden
        lines.append("left aside: " + ", ".join(f"{n} {r}" for r, n in sorted(reasons.items())))
    return lines


def dry_run_rows(plan: Plan) -> list[dict[str, Any]]:
    """Each file with its type, headers and night-log date, and what would happen to it."""
    comparison = plan.comparison
    actions = {d.file.relative: d for d in comparison.skipped + comparison.conflicts
               + comparison.to_send}
    rows = []
    for item in plan.files:
        kind = plan.kind(item)
        headers = summarize(item.path, kind, plan.site, item.remote_name)
        decision = actions.get(item.relative)
        rows.append({
            "path": item.relative,
            "file_name": item.remote_name,
            "type": kind.file_type,
            "compression": kind.compression,
            "bytes": item.size,
            "date_obs": headers.date_obs,
            "object": headers.object,
            "imagetyp": headers.imagetyp,
            "night_log": headers.night_log,
            "action": "send" if decision is None else decision.action,
            "note": headers.error or (decision.reason if decision and decision.reason else None),
        })
    rows.extend({"path": item.relative, "file_name": item.remote_name, "type": None,
                 "compression": None, "bytes": item.size, "date_obs": None, "object": None,
                 "imagetyp": None, "night_log": None, "action": TOO_RECENT,
                 "note": recent_note(item, plan.options.min_age)} for item in plan.recent)
    return rows


