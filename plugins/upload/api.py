"""``ArcsecondAPI.upload``: the folder upload from Python."""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from typing import Any


def upload(
    api: Any,
    folder: str | os.PathLike[str] | Sequence[str | os.PathLike[str]],
    dataset: str | None = None,
    *,
    telescope: str | None = None,
    tags: str | Iterable[str] | None = None,
    raw: bool = True,
    jobs: int = 4,
    retries: int = 10,
    rename_duplicates: bool = False,
    verify: bool = False,
    replace: bool = False,
    dry_run: bool = False,
    exclude: str | Iterable[str] | None = None,
    include: str | Iterable[str] | None = None,
    min_age: float | None = None,
    bwlimit: str | None = None,
    log_file: str | os.PathLike[str] | None = None,
) -> Any:
    """Upload every non-hidden file under ``folder`` into ``dataset`` (name or UUID).

    ``folder`` may also be a file, or a list of folders and files, as ``arcsecond upload``
    takes them. Works like ``arcsecond upload`` without the question: files already in the
    dataset (same name, same content) are skipped, names holding other content are conflicts
    (``replace=True`` deletes the server's copy and sends the file), the rest are sent by
    ``jobs`` threads with retries. Returns a ``Report`` (``report.ok``, ``report.files()`` as
    dicts with path, status, id, bytes and error); with
    ``dry_run`` nothing is sent and the list of files with their headers is returned instead.
    Ctrl-C while sending stops the uploads in flight cleanly, then raises KeyboardInterrupt,
    whose ``report`` attribute says what was done. ``exclude`` and ``include`` are gitignore
    patterns as ``--exclude`` and ``--include`` take them (the excludes first); ``min_age``,
    ``bwlimit`` and ``log_file`` work as ``--min-age``, ``--bwlimit`` and ``--log-file``.

    >>> from arcsecond_core.api import ArcsecondAPI
    >>> report = ArcsecondAPI().upload("/data/2024-05-01", dataset="M31")  # doctest: +SKIP
    """
    import signal

    from arcsecond_core.interrupts import Interrupts
    from arcsecond_core.transfer.filters import rules_of
    from arcsecond_core.transfer.joblog import open_log

    from .execute import execute
    from .plan import Options, parse_tags, prepare
    from .summary import dry_run_rows

    options = Options(paths=folder, dataset=dataset, telescope=telescope,
                      tags=tuple(parse_tags(tags)), raw=raw, jobs=jobs, retries=retries,
                      rename_duplicates=rename_duplicates, verify=verify, replace=replace,
                      rules=rules_of(exclude, include), min_age=min_age, bwlimit=bwlimit)
    plan = prepare(api, options, confirmed=not dry_run)
    if dry_run:
        return dry_run_rows(plan)
    # Ctrl-C while sending: the uploads in flight stop cleanly, then KeyboardInterrupt is raised
    # as usual, with the report of what was done as its ``report`` attribute.
    with Interrupts(signals=(signal.SIGINT,)) as interrupts, \
            open_log(log_file, "upload") as log:
        report = execute(plan, cancel=interrupts.cancel, log=log)
    if interrupts.fired:
        interrupted = KeyboardInterrupt()
        interrupted.report = report  # type: ignore[attr-defined]
        raise interrupted
    return report
