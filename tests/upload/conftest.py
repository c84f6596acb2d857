"""Helpers for the upload end-to-end tests: what a dataset holds on the server."""

from __future__ import annotations

import hashlib
import json
import uuid
from pathlib import Path
from typing import Any

import pytest


def server_files(client: Any, dataset: str, portal: str | None = None) -> list[dict[str, Any]]:
    """Every data file of ``dataset`` (name or UUID), as ``GET datafiles/?dataset=`` lists them."""
    with client.api(portal) as api:
        dataset_uuid = api.datasets.find(dataset)["uuid"]
        return list(api.datafiles.list(dataset=dataset_uuid))


def checksums(client: Any, dataset: str, portal: str | None = None) -> dict[str, str]:
    """File name -> sha256 on the server; fails if a name appears twice."""
    files = server_files(client, dataset, portal)
    names = [f["file_name"] for f in files]
    assert len(names) == len(set(names)), f"duplicates on the server: {sorted(names)}"
    return {f["file_name"]: f["checksum"] for f in files}


def local_checksums(root: Path, names: dict[str, str] | None = None) -> dict[str, str]:
    """Remote name -> sha256 of the non-hidden, non-empty files under ``root``."""
    found = {}
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root).as_posix()
        if path.is_file() and path.stat().st_size and not any(
            part.startswith(".") for part in Path(relative).parts
        ):
            name = (names or {}).get(relative, path.name)
            found[name] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def report(proc: Any) -> dict[str, dict[str, Any]]:
    """The ``-f json`` report of a finished upload, by path."""
    return {row["path"]: row for row in json.loads(proc.stdout)}


def dataset_names(client: Any, portal: str | None = None) -> list[str]:
    with client.api(portal) as api:
        return [d["name"] for d in api.datasets.list()]


@pytest.fixture
def unique() -> str:
    return uuid.uuid4().hex[:8]
