"""The server's side of an upload's plan, asked all at once: portal, dataset, telescope, site.

Over a long link every round trip before the first file counts (250 ms from a mountain in Chile
to a European server), so the reads that do not depend on each other go out together: the portal
check, the dataset's lookup and the ``-t`` telescope's. The telescope of an existing dataset is
read beside its listing, and the observing site (only the dry run's night-log dates and a
``--bwlimit`` timetable need it) is read in the background and waited for only when asked.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, TypeVar

from arcsecond_core import errors

from . import plan as planning
from .headers import Site

LOG = logging.getLogger("arcsecond.upload")
T = TypeVar("T")


class Later:
    """A value computed on a daemon thread of its own (a process that ends does not wait for
    it); ``get()`` waits for it and raises its error."""

    def __init__(self, compute: Callable[[], Any] | None = None, value: Any = None) -> None:
        self._future: Future[Any] | None = None
        self._value = value
        if compute is not None:
            future: Future[Any] = Future()
            self._future = future

            def run() -> None:
                try:
                    future.set_result(compute())
                except BaseException as exc:  # handed to get()
                    future.set_exception(exc)

            threading.Thread(target=run, name="arcsecond-lookup", daemon=True).start()

    def get(self) -> Any:
        if self._future is not None:
            return self._future.result()
        return self._value


@dataclass
class Found:
    """What the server said before anything is sent."""

    organisation: dict[str, Any] | None
    target: planning.DatasetTarget
    telescope: dict[str, Any] | None
    #: Seconds the dataset's lookup took: about one round trip of the link (the default
    #: ``--jobs`` grows on far links).
    round_trip: float | None = None


def look_up(api: Any, portal: str | None, dataset: str | None, default_name: str | None,
            telescope_spec: str | None, pool: ThreadPoolExecutor) -> Found:
    """The portal, dataset and telescope, read concurrently on ``pool``; errors in the order a
    person would want them (the portal first)."""
    patiently = planning.patiently
    portal_read = pool.submit(patiently, lambda: planning.check_portal(api, portal), posts=True) \
        if portal else None
    def find() -> tuple[planning.DatasetTarget, float]:
        started = time.monotonic()
        found = planning.find_dataset(api, dataset, default_name)
        return found, time.monotonic() - started

    target_read = pool.submit(patiently, find)
    telescope_read = pool.submit(patiently, lambda: planning.find_telescope(api, telescope_spec)
                                 ) if telescope_spec else None
    organisation = portal_read.result() if portal_read is not None else None
    target, round_trip = target_read.result()
    telescope = telescope_read.result() if telescope_read is not None else None
    if telescope is not None and target.exists and target.telescope != telescope.get("uuid"):
        LOG.warning("dataset %r already exists with telescope %s; -t %s is not used",
                    target.name, target.telescope or "none", telescope_spec)
        telescope = None
    return Found(organisation, target, telescope, round_trip)


def dataset_telescope(api: Any, uuid: str) -> dict[str, Any]:
    """The telescope of an existing dataset (its UUID alone when it cannot be read)."""
    try:
        return dict(planning.patiently(lambda: api.telescopes.read(uuid)))
    except errors.HTTPError:
        return {"uuid": uuid, "name": None}


def site_later(api: Any, telescope: dict[str, Any] | None) -> Later:
    """The telescope's observing site, read in the background (None when unknown)."""
    if not telescope or not telescope.get("observing_site"):
        return Later(value=None)
    return Later(lambda: _site(api, telescope))


def _site(api: Any, telescope: dict[str, Any]) -> Site | None:
    try:
        return planning.patiently(lambda: planning.site_of(api, telescope))
    except errors.ArcsecondError as exc:
        LOG.warning("cannot read the telescope's observing site (%s): night logs shown in UTC", exc)
        return None
