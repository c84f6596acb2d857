"""The server's side of an upload's plan, asked all at once: portal, dataset, telescope, site.

Over a long link every round trip before the first file counts (250 ms from a mountain in Chile
to a European server), so the reads that do not depend on each other go out together: the portal
check, the dataset's lookup and the ``-t`` telescope's. A run already confirmed (``--yes``, or
``api.upload``) that names a dataset by name also sends its creation beside the lookup: names
are unique per owner or portal, so the creation either makes the new dataset (one round trip
less before the first file) or is refused because the dataset exists, which changes nothing.
The telescope of an existing dataset is read beside its listing, and the observing site (only
the dry run's night-log dates and a ``--bwlimit`` timetable need it) is read in the background
and waited for only when asked.

Every server call of an upload's plan is here: each read (and the dataset's creation) by itself,
with :func:`patiently` trying again on 5xx and 429, then the concurrent :func:`look_up`.
Everything reads; the only writes are the dataset's creation, after confirmation (or beside its
lookup for a run already confirmed), and the deletion of a dataset made for a run that goes no
further.
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
from arcsecond_core.nights import Site
from arcsecond_core.resources import is_uuid
from arcsecond_core.transfer.outcome import TRANSIENT
from arcsecond_core.transfer.patience import patiently as shared_patiently

LOG = logging.getLogger("arcsecond.upload")
LIST_PAGE_SIZE = 1000
T = TypeVar("T")


def patiently(call: Callable[[], T], *, posts: bool = False, attempts: int = 8,
              cancel: threading.Event | None = None) -> T:
    """``call()`` tried again on 5xx, 429 (and connection errors for POSTs), warning on the
    upload's logger: the patience both directions share, for the reads around an upload."""
    return shared_patiently(call, posts=posts, attempts=attempts, cancel=cancel, log=LOG)


@dataclass
class DatasetTarget:
    """The dataset files go to: an existing one (``uuid`` set) or one to create by name."""

    name: str
    uuid: str | None = None
    telescope: str | None = None

    @property
    def exists(self) -> bool:
        return self.uuid is not None


def check_portal(api: Any, portal: str) -> dict[str, Any]:
    """The organisation ``portal``, after checking that the user is a member of it."""
    try:
        organisation = api.resource("organisations").read(portal)
    except errors.NotFound as exc:
        raise errors.NotFound(
            f"there is no portal {portal!r} on {api.profile.api_server}", exc.status_code, exc.payload
        ) from None
    try:
        api.verify_portal(portal)
    except errors.HTTPError as exc:
        if exc.status_code >= 500:
            raise
        raise type(exc)(
            f"{api.username} is not a member of portal {portal!r}: nothing was sent"
        ) from exc
    return dict(organisation)


def find_telescope(api: Any, name_or_uuid: str) -> dict[str, Any]:
    try:
        return dict(api.telescopes.find(name_or_uuid))
    except errors.NotFound as exc:
        raise errors.NotFound(f"{exc}: nothing was sent", exc.status_code, exc.payload) from exc


def site_of(api: Any, telescope: dict[str, Any] | None) -> Site | None:
    """The observing site of a telescope, for night-log dates (None when unknown)."""
    if not telescope or not telescope.get("observing_site"):
        return None
    try:
        record = api.observingsites.read(telescope["observing_site"])
    except TRANSIENT:
        raise
    except errors.HTTPError as exc:
        LOG.warning("cannot read the telescope's observing site (%s): night logs shown in UTC", exc)
        return None
    longitude = record.get("longitude")
    return Site(
        time_zone=record.get("time_zone") or None,
        longitude=float(longitude) if isinstance(longitude, (int, float)) else None,
    )


def dataset_name(spec: str | None, default: str | None) -> str:
    """The dataset's name or UUID as given (``-d``), or ``default`` without it; UsageError when
    there is none to use."""
    if spec is not None and not spec.strip():
        raise errors.UsageError("the dataset name may not be blank")
    if not spec and default is None:
        raise errors.UsageError("several paths go into one dataset: name it with -d DATASET")
    text = spec.strip() if spec else str(default)
    if not text:
        raise errors.UsageError("cannot name a dataset after the root folder: pass -d DATASET")
    return text


def find_dataset(api: Any, spec: str | None, default: str | None) -> DatasetTarget:
    """The dataset ``spec`` names (UUID or name); ``default`` (the folder's name) without it.

    A UUID must exist; a name matching no dataset gives a target to create; a name matching
    two or more is an error.
    """
    text = dataset_name(spec, default)
    if is_uuid(text):
        try:
            record = api.datasets.read(text)
        except errors.NotFound as exc:
            raise errors.NotFound(f"{exc}: nothing was sent", exc.status_code, exc.payload) from exc
        return DatasetTarget(str(record.get("name") or text), str(record["uuid"]),
                             record.get("telescope"))
    matches = [item for item in api.datasets.list(name=text) if item.get("name") == text]
    if len(matches) > 1:
        ids = ", ".join(str(item.get("uuid")) for item in matches)
        raise errors.AmbiguousName(
            f"{len(matches)} datasets are named {text!r} ({ids}): pass the UUID of one with -d"
        )
    if matches:
        return DatasetTarget(text, str(matches[0]["uuid"]), matches[0].get("telescope"))
    return DatasetTarget(text)


def dataset_fields(name: str, telescope: str | None) -> dict[str, Any]:
    """The body of ``POST datasets/``: the name, and the telescope's UUID when there is one."""
    return {"name": name, "telescope": telescope} if telescope else {"name": name}


def create_dataset(api: Any, target: DatasetTarget, telescope: str | None) -> str:
    """Create the dataset ``target`` names (or find it, if it appeared meanwhile); its UUID."""
    if target.exists:
        return str(target.uuid)
    try:
        record = api.datasets.create(**dataset_fields(target.name, telescope))
    except errors.ValidationError:
        again = find_dataset(api, target.name, None)
        if not again.exists:
            raise
        record = {"uuid": again.uuid, "telescope": again.telescope}
    target.uuid = str(record["uuid"])
    target.telescope = record.get("telescope")
    return target.uuid


def remote_files(api: Any, dataset_uuid: str | None) -> dict[str, dict[str, Any]] | None:
    """The data files of a dataset, by file name (nothing for a dataset still to create).

    None when the key may not list data files (an upload key): the ledger, and the server's
    ``already exists in dataset`` answers, then tell what is there.
    """
    if dataset_uuid is None:
        return {}
    found: dict[str, dict[str, Any]] = {}
    try:
        for item in api.datafiles.list(dataset=dataset_uuid, page_size=LIST_PAGE_SIZE):
            if item.get("dataset") not in (None, dataset_uuid):
                continue
            found.setdefault(str(item.get("file_name")), dict(item))
    except errors.Forbidden:
        return None
    return found


def remote_copy(api: Any, dataset_uuid: str, name: str) -> dict[str, Any] | None:
    """The data file named ``name`` in a dataset, or None."""
    for item in api.datafiles.list(dataset=dataset_uuid, file_name=name):
        if item.get("file_name") == name and item.get("dataset") in (None, dataset_uuid):
            return dict(item)
    return None


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
    target: DatasetTarget
    telescope: dict[str, Any] | None
    #: Seconds the dataset's lookup took: about one round trip of the link (the default
    #: ``--jobs`` grows on far links).
    round_trip: float | None = None
    #: The UUID of the dataset this lookup created (``target`` is then the dataset to create).
    created: str | None = None


def look_up(api: Any, portal: str | None, dataset: str | None, default_name: str | None,
            telescope_spec: str | None, pool: ThreadPoolExecutor,
            create: Callable[[], bool] | None = None) -> Found:
    """The portal, dataset and telescope, read concurrently on ``pool``; errors in the order a
    person would want them (the portal first).

    With ``create`` (a run already confirmed), a dataset named by name is created beside its
    lookup when ``create()`` says there is something to send (see :func:`create_beside`).
    """
    portal_read = pool.submit(patiently, lambda: check_portal(api, portal), posts=True) \
        if portal else None
    def find() -> tuple[DatasetTarget, float]:
        started = time.monotonic()
        found = find_dataset(api, dataset, default_name)
        return found, time.monotonic() - started

    target_read = pool.submit(patiently, find)
    telescope_read = pool.submit(patiently, lambda: find_telescope(api, telescope_spec)
                                 ) if telescope_spec else None
    creation = pool.submit(create_beside, api, dataset, default_name, telescope_spec, create) \
        if create is not None else None
    try:
        organisation = portal_read.result() if portal_read is not None else None
        try:
            target, round_trip = target_read.result()
        except errors.AmbiguousName:
            # A server that does not keep names unique: the lookup may have seen the copy just
            # made beside it. Without that copy, look again.
            if creation is None or creation.exception() or creation.result() is None:
                raise
            discard(api, creation.result())
            creation = None
            target, round_trip = patiently(find)
        telescope = telescope_read.result() if telescope_read is not None else None
    except BaseException:
        if creation is not None and not creation.exception():
            discard(api, creation.result())
        raise
    created = creation.result() if creation is not None else None
    if created is not None:
        target = _reconciled(api, target, created)
    if telescope is not None and target.exists and target.telescope != telescope.get("uuid"):
        LOG.warning("dataset %r already exists with telescope %s; -t %s is not used",
                    target.name, target.telescope or "none", telescope_spec)
        telescope = None
    return Found(organisation, target, telescope, round_trip,
                 created=None if target.exists else created)


def create_beside(api: Any, spec: str | None, default: str | None, telescope_spec: str | None,
                  wanted: Callable[[], bool]) -> str | None:
    """Create the dataset ``spec`` (or ``default``) names while it is being looked up; its UUID,
    or None when it was not created here (no usable name, a telescope given by name, nothing to
    send, or refused: it exists, or the portal or telescope is wrong, which the lookups
    report)."""
    try:
        name = dataset_name(spec, default)
    except errors.UsageError:
        return None  # the lookup reports it
    if is_uuid(name) or (telescope_spec and not is_uuid(telescope_spec.strip())):
        return None
    if not wanted():
        return None
    try:
        record = api.datasets.create(**dataset_fields(name, telescope_spec and telescope_spec.strip()))
    except errors.ArcsecondError:
        return None  # the lookup says why (or the usual creation, later, does)
    return str(record["uuid"])


def _reconciled(api: Any, target: DatasetTarget, created: str) -> DatasetTarget:
    """The dataset to use once a creation went out beside the lookup: the new one (the lookup
    may have seen it already), unless another of that name existed before (a server that does
    not keep names unique), which is used instead while the new, empty one is deleted."""
    if target.exists and target.uuid != created:
        LOG.warning("dataset %r already existed: the copy made beside its lookup is deleted",
                    target.name)
        discard(api, created)
        return target
    return DatasetTarget(target.name)


def discard(api: Any, created: str | None) -> None:
    """Delete the empty dataset made beside the lookup of a run that goes no further."""
    if created is None:
        return
    try:
        api.datasets.delete(created)
    except errors.ArcsecondError as exc:
        LOG.warning("cannot delete the empty dataset %s made for this run (%s)", created, exc)


def dataset_telescope(api: Any, uuid: str) -> dict[str, Any]:
    """The telescope of an existing dataset (its UUID alone when it cannot be read)."""
    try:
        return dict(patiently(lambda: api.telescopes.read(uuid)))
    except errors.HTTPError:
        return {"uuid": uuid, "name": None}


def site_later(api: Any, telescope: dict[str, Any] | None) -> Later:
    """The telescope's observing site, read in the background (None when unknown)."""
    if not telescope or not telescope.get("observing_site"):
        return Later(value=None)
    return Later(lambda: _site(api, telescope))


def _site(api: Any, telescope: dict[str, Any]) -> Site | None:
    try:
        return patiently(lambda: site_of(api, telescope))
    except errors.ArcsecondError as exc:
        LOG.warning("cannot read the telescope's observing site (%s): night logs shown in UTC", exc)
        return None
