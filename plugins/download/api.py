"""``ArcsecondAPI.download``: the download of a dataset, night log or data package from Python."""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import Any


def download(
    api: Any,
    dataset: str | None = None,
    directory: str | os.PathLike[str] | None = None,
    *,
    nightlog: str | None = None,
    datapackage: str | None = None,
    jobs: int = 4,
    retries: int = 10,
    pattern: str | Iterable[str] | None = None,
    overwrite: bool = False,
    dry_run: bool = False,
    exclude: str | Iterable[str] | None = None,
    include: str | Iterable[str] | None = None,
    bwlimit: str | None = None,
    log_file: str | os.PathLike[str] | None = None,
) -> Any:
    """Download every data file of ``dataset`` (name or UUID), or of ``nightlog`` (UUID or
    date) or ``datapackage`` (name or UUID), into ``directory``.

    Works like ``arcsecond download``: files already there with the server's sha256 are skipped,
    partial files of an interrupted run are resumed, local files that differ are conflicts
    (``overwrite=True`` replaces them). Returns the same ``Report`` as the command
    (``report.ok``, ``report.files()``); with ``dry_run`` the list of files and what would
    happen to each. Ctrl-C stops the downloads in flight cleanly, then raises
    KeyboardInterrupt, whose ``report`` attribute says what was done. ``exclude``,
    ``include``, ``bwlimit`` and ``log_file`` work as the command's options.

    >>> from arcsecond_core.api import ArcsecondAPI
    >>> report = ArcsecondAPI().download("M31", "/data/m31")  # doctest: +SKIP
    """
    import signal

    from arcsecond_core.errors import UsageError
    from arcsecond_core.interrupts import Interrupts
    from arcsecond_core.transfer.filters import rules_of
    from arcsecond_core.transfer.joblog import open_log

    from .job import Options, execute, prepare
    from .plan import dry_run_rows

    given = [(kind, spec) for kind, spec in
             (("dataset", dataset), ("nightlog", nightlog), ("datapackage", datapackage))
             if spec is not None]
    if len(given) != 1:
        raise UsageError("download one thing: a dataset, a nightlog or a datapackage")
    kind, spec = given[0]
    patterns = (pattern,) if isinstance(pattern, str) else tuple(pattern or ())
    options = Options(kind=kind, spec=spec, folder=directory, jobs=jobs, retries=retries,
                      patterns=patterns, overwrite=overwrite, rules=rules_of(exclude, include),
                      bwlimit=bwlimit)
    plan = prepare(api, options)
    if dry_run:
        return dry_run_rows(plan)
    with Interrupts(signals=(signal.SIGINT,)) as interrupts, \
            open_log(log_file, "download") as log:
        report = execute(api, plan, options, cancel=interrupts.cancel, log=log)
    if interrupts.fired:
        interrupted = KeyboardInterrupt()
        interrupted.report = report  # type: ignore[attr-defined]
        raise interrupted
    return report
