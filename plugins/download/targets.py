"""What to download: a dataset, a night log or a data package, as the list of its data files.

Everything here reads. A night log or a data package may hold files of several datasets: each
dataset gets a folder of its own (named after it), so equal names cannot clash.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from arcsecond_core import errors
from arcsecond_core.transfer.patience import patiently

LIST_PAGE_SIZE = 1000
KINDS = ("dataset", "nightlog", "datapackage")

@dataclass
class Source:
    """The data files of one target, and the folder each dataset's files go to."""

    kind: str
    record: dict[str, Any]
    label: str
    default_folder: str
    files: list[dict[str, Any]] = field(default_factory=list)
    #: Dataset UUID -> its subfolder; empty when the files go straight into the folder.
    folders: dict[str, str] = field(default_factory=dict)

    def subfolder(self, record: dict[str, Any]) -> str:
        return self.folders.get(str(record.get("dataset")), "") if self.folders else ""

def resolve(api: Any, kind: str, spec: str) -> Source:
    """The data files of the dataset, night log or data package ``spec`` (name, date or UUID)."""
    if not spec or not spec.strip():
        raise errors.UsageError(f"the {_noun(kind)} may not be blank")
    spec = spec.strip()
    if kind == "dataset":
        record = patiently(lambda: api.datasets.find(spec))
        name = str(record.get("name") or record["uuid"])
        source = Source(kind, record, f"dataset {name!r}", folder_name(name, record["uuid"]))
        source.files = _files(api, dataset=record["uuid"])
        return source
    if kind == "nightlog":
        record = patiently(lambda: api.nightlogs.find(spec))
        date = str(record.get("date") or record["uuid"])
        source = Source(kind, record, f"night log {date} ({record['uuid']})",
                        folder_name(f"nightlog-{date}", record["uuid"]))
        source.files = _files(api, night_log=record["uuid"])
    elif kind == "datapackage":
        record = patiently(lambda: api.datapackages.find(spec))
        name = str(record.get("name") or record["uuid"])
        source = Source(kind, record, f"data package {name!r}",
                        folder_name(name, record["uuid"]))
        found = [_files(api, dataset=uuid) for uuid in record.get("datasets") or ()]
        found += [_files(api, night_log=uuid) for uuid in record.get("nightlogs") or ()]
        source.files = _unique(item for files in found for item in files)
    else:
        raise errors.UsageError(f"cannot download a {kind}")
    source.folders = dataset_folders(api, {str(item.get("dataset")) for item in source.files})
    return source

def _files(api: Any, **filters: str) -> list[dict[str, Any]]:
    return patiently(lambda: [dict(item) for item in
                              api.datafiles.list(page_size=LIST_PAGE_SIZE, **filters)])

def _unique(records: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    seen: dict[Any, dict[str, Any]] = {}
    for record in records:
        seen.setdefault(record.get("id"), record)
    return list(seen.values())

def dataset_folders(api: Any, uuids: Iterable[str]) -> dict[str, str]:
    """A folder name per dataset: its name, made unique with the start of its UUID."""
    names: dict[str, str] = {}
    for uuid in sorted(uuids):
        try:
            record = patiently(lambda uuid=uuid: api.datasets.read(uuid))
            names[uuid] = folder_name(str(record.get("name") or uuid), uuid)
        except errors.NotFound:
            names[uuid] = uuid
    counts: dict[str, int] = {}
    for name in names.values():
        counts[name] = counts.get(name, 0) + 1
    return {uuid: name if counts[name] == 1 else f"{name} ({uuid[:8]})"
            for uuid, name in names.items()}

def folder_name(name: str, fallback: Any) -> str:
    """``name`` usable as one folder name (no separators, not empty, not . or ..)."""
    text = name.replace("/", "_").replace("\\", "_").replace("\0", "_").strip()
    return text if text not in ("", ".", "..") else str(fallback)

def _noun(kind: str) -> str:
    return {"nightlog": "night log", "datapackage": "data package"}.get(kind, kind)
