"""The ledger and the planning steps, against an in-memory API."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest
from arcsecond_plugins.upload import plan
from arcsecond_plugins.upload.job import Options, parse_tags, prepare, summary_lines
from arcsecond_plugins.upload.ledger import Ledger, sha256_of
from arcsecond_plugins.upload.scan import scan

from arcsecond_core import errors

from .fakes import FakeAPI

UUID = "6f1c2f36-8f0e-4b8e-9d7e-1a2b3c4d5e6f"


def test_ledger_records_and_survives_reopen(tmp_path: Path) -> None:
    path = tmp_path / "ledger.sqlite3"
    with Ledger("http://s", "ds1", path) as ledger:
        ledger.record("a/b.fits", "b.fits", 10, 123, "sending")
        ledger.record("a/b.fits", "b.fits", 10, 123, "sent", sha256="ab", datafile_id=7)
        ledger.record("c.fits", "c.fits", 5, 1, "sending")
    with Ledger("http://s", "ds1", path) as ledger:
        entries = ledger.entries()
        assert entries["a/b.fits"].status == "sent" and entries["a/b.fits"].datafile_id == 7
        assert entries["a/b.fits"].same_file(10, 123) and not entries["a/b.fits"].same_file(10, 1)
        assert entries["c.fits"].status == "sending"
    with Ledger("http://s", "other", path) as ledger:
        assert ledger.entries() == {}
    rows = sqlite3.connect(path).execute("SELECT COUNT(*) FROM files").fetchone()
    assert rows == (2,)


def test_ledger_checksum_cache(tmp_path: Path) -> None:
    data = tmp_path / "x"
    data.write_bytes(b"hello")
    digest = hashlib.sha256(b"hello").hexdigest()
    assert sha256_of(data) == digest
    with Ledger("s", "d", tmp_path / "l.sqlite3") as ledger:
        ledger.record("x", "x", 5, 1, "sent", sha256="cached")
        assert ledger.checksum(data, "x", 5, 1) == "cached"
        assert ledger.checksum(data, "x", 5, 2) == digest


def test_ledger_in_config_dir(isolated_config_dir: Path) -> None:
    with Ledger("s", "d") as ledger:
        assert ledger.path.parent == isolated_config_dir


def test_dataset_by_uuid_must_exist(tmp_path: Path) -> None:
    api = FakeAPI()
    with pytest.raises(errors.ArcsecondError, match="nothing was sent"):
        plan.find_dataset(api, UUID, tmp_path)
    api.datasets.items.append({"uuid": UUID, "name": "M31", "telescope": None})
    target = plan.find_dataset(api, UUID, tmp_path)
    assert (target.uuid, target.name, target.exists) == (UUID, "M31", True)


def test_dataset_by_name_found_created_or_ambiguous(tmp_path: Path) -> None:
    api = FakeAPI()
    target = plan.find_dataset(api, "M31", tmp_path)
    assert not target.exists and target.name == "M31"
    uuid = plan.create_dataset(api, target, "tel-1")
    assert api.datasets.items == [{"uuid": uuid, "telescope": "tel-1", "name": "M31"}]
    assert plan.find_dataset(api, "M31", tmp_path).uuid == uuid
    api.datasets.items.append({"uuid": "x2", "name": "M31"})
    with pytest.raises(errors.ArcsecondError, match="2 datasets are named 'M31'"):
        plan.find_dataset(api, "M31", tmp_path)
    with pytest.raises(errors.UsageError):
        plan.find_dataset(api, "  ", tmp_path)


def test_dataset_defaults_to_folder_name(tmp_path: Path) -> None:
    folder = tmp_path / "2024-05-01"
    folder.mkdir()
    assert plan.find_dataset(FakeAPI(), None, folder).name == "2024-05-01"


def test_create_dataset_that_appeared_meanwhile(tmp_path: Path) -> None:
    api = FakeAPI()
    target = plan.find_dataset(api, "M31", tmp_path)
    api.datasets.items.append({"uuid": "u1", "name": "M31", "telescope": None})
    assert plan.create_dataset(api, target, None) == "u1"


def test_portal_checks(tmp_path: Path) -> None:
    api = FakeAPI(portal="obs")
    with pytest.raises(errors.ArcsecondError, match="no portal 'obs'"):
        plan.check_portal(api, "obs")
    api.organisations.items.append({"subdomain": "obs", "name": "Observatory"})
    with pytest.raises(errors.ArcsecondError, match="not a member of portal 'obs'"):
        plan.check_portal(api, "obs")
    api.members.add("obs")
    assert plan.check_portal(api, "obs")["name"] == "Observatory"


def test_compare_by_name_size_and_checksum(tmp_path: Path) -> None:
    for name, content in (("same", b"12345"), ("other", b"abc"), ("new", b"n")):
        (tmp_path / name).write_bytes(content)
    files = scan(tmp_path).files
    remote = {
        "same": {"id": 1, "file_name": "same", "size": 5, "checksum": "whatever"},
        "other": {"id": 2, "file_name": "other", "size": 99},
    }
    result = plan.compare(files, remote, {})
    assert [d.file.relative for d in result.to_send] == ["new"]
    assert [d.file.relative for d in result.skipped] == ["same"]
    assert [d.file.relative for d in result.conflicts] == ["other"]
    assert "different file named 'other'" in result.conflicts[0].reason
    assert plan.same_content({"size": 5, "checksum": "AB"}, 5, "ab")
    assert not plan.same_content({"size": 5, "checksum": "cd"}, 5, "ab")


def test_prepare_and_summary(tmp_path: Path) -> None:
    api = FakeAPI()
    api.observingsites.items.append({"uuid": "s1", "time_zone": "Asia/Tokyo", "longitude": 139.7})
    api.telescopes.items.append({"uuid": "t1", "name": "Big One", "observing_site": "s1"})
    (tmp_path / "x.fits").write_bytes(b"SIMPLE  =     T")
    (tmp_path / "y.txt").write_bytes(b"y")
    (tmp_path / ".z").write_bytes(b"z")
    found = prepare(api, Options(tmp_path, "M31", "Big One", ("a,b", "c"), jobs=2))
    assert found.site is not None and found.site.time_zone == "Asia/Tokyo"
    assert [f.relative for f in found.to_send] == ["x.fits", "y.txt"]
    text = "\n".join(summary_lines(found))
    assert "alice (access key sec********)" in text and "secretkey1" not in text
    assert "M31 (new" in text and "Big One (t1)" in text
    assert "FITS 1, other 1" in text and "1 hidden" in text and "tags a, b, c" in text


def test_options_validation() -> None:
    with pytest.raises(errors.UsageError):
        Options(Path("."), jobs=0)
    assert parse_tags(["a, b", "b,,c"]) == ["a", "b", "c"]
    assert parse_tags("x") == ["x"] and parse_tags(None) == []
