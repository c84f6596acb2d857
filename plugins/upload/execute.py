"""Carrying out an upload's plan: the dataset created if needed, the missing files sent, the
report made (with the outcomes decided before sending)."""

from __future__ import annotations

import threading

from arcsecond_core.retrying import Backoff, Cancelled
from arcsecond_core.transfer.joblog import LoggedProgress, TransferLog
from arcsecond_core.transfer.outcome import (
    CONFLICT,
    FAILED,
    IGNORED,
    SKIPPED,
    TOO_RECENT,
    NoProgress,
    Outcome,
    Progress,
)
from arcsecond_core.transfer.report import Report

from .ledger import Ledger
from .lookup import create_dataset, patiently
from .plan import Plan, open_ledger, recent_note
from .transfer import Transfer


def initial_outcomes(plan: Plan) -> list[Outcome]:
    """Outcomes decided before sending: paths left aside, files already there, conflicts."""
    outcomes = [
        Outcome(p.relative, p.relative.rsplit("/", 1)[-1],
                FAILED if p.kind == "failed" else IGNORED, error=p.reason)
        for p in plan.scanned.problems
    ]
    outcomes.extend(Outcome(item.relative, item.remote_name, TOO_RECENT,
                            note=recent_note(item, plan.options.min_age))
                    for item in plan.recent)
    for decision in plan.comparison.skipped:
        remote = decision.remote or {}
        outcomes.append(Outcome(decision.file.relative, decision.file.remote_name, SKIPPED,
                                datafile_id=remote.get("id"), note=decision.reason,
                                sha256=decision.sha256 or remote.get("checksum")))
    outcomes.extend(
        Outcome(d.file.relative, d.file.remote_name, CONFLICT,
                datafile_id=(d.remote or {}).get("id"), error=d.reason)
        for d in plan.comparison.conflicts
    )
    return outcomes


def execute(
    plan: Plan, progress: Progress | None = None, cancel: threading.Event | None = None,
    log: TransferLog | None = None,
) -> Report:
    """Create the dataset if needed and send what is missing. When ``cancel`` is set the run
    stops within seconds: the report says ``interrupted`` and lists what was done. ``log``
    gets one line per file as each ends."""
    cancel = cancel or threading.Event()
    if log is not None:
        log.dataset, log.dataset_uuid = plan.dataset.name, plan.dataset.uuid
    if not plan.to_send and not plan.dataset.exists and plan.creation is None:
        report = Report(plan.dataset.name, None)
        report.add(_logged(initial_outcomes(plan), log))
        return report
    telescope = plan.telescope.get("uuid") if plan.telescope else None
    report = Report(plan.dataset.name, plan.dataset.uuid)
    report.add(_logged(initial_outcomes(plan), log))
    try:
        if plan.creation is not None:
            uuid = plan.creation.get()
        else:
            uuid = patiently(
                lambda: create_dataset(plan.api, plan.dataset, telescope), posts=True,
                cancel=cancel)
    except Cancelled:
        uuid = None
    if uuid is None or cancel.is_set():
        report.interrupted = True
        return report
    report.dataset_uuid = uuid
    if log is not None:
        log.dataset_uuid = uuid
        progress = LoggedProgress(progress or NoProgress(), log)
    with open_ledger(plan.api, uuid) as ledger:
        for decision in plan.comparison.skipped:
            item, remote = decision.file, decision.remote or {}
            ledger.record(item.relative, item.remote_name, item.size, item.mtime_ns, "sent",
                          sha256=decision.sha256 or remote.get("checksum"),
                          datafile_id=remote.get("id"))
        transfer = make_transfer(plan, ledger, uuid, progress, cancel)
        report.add(transfer.run(plan.to_send))
    report.interrupted = cancel.is_set()
    return report


def _logged(outcomes: list[Outcome], log: TransferLog | None) -> list[Outcome]:
    if log is not None:
        log.write_all(outcomes)
    return outcomes


def make_transfer(
    plan: Plan, ledger: Ledger, uuid: str, progress: Progress | None,
    cancel: threading.Event | None,
) -> Transfer:
    options = plan.options
    transfer = Transfer(
        plan.api, uuid, ledger, is_raw=options.raw, tags=options.tags, jobs=plan.jobs,
        policy=Backoff(attempts=options.retries), verify=options.verify,
        replace=options.replace, bandwidth=plan.bandwidth,
        replacing={d.file.relative: (d.remote or {}).get("id")
                   for d in plan.comparison.to_send if d.action == "replace"},
    )
    if progress is not None:
        transfer.progress = progress
    if cancel is not None:
        transfer.cancel = cancel
    return transfer
