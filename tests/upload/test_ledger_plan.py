"""The ledger, the server's look-ups and the comparison, against an in-memory API."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest
from arcsecond_plugins.upload import comparison, lookup
from arcsecond_plugins.upload.ledger import Entry, Ledger
from arcsecond_plugins.upload.plan import Options, default_dataset_name, parse_tags, prepare
from arcsecond_plugins.upload.scan import scan
from arcsecond_plugins.upload.summary import summary_lines

from arcsecond_core import errors
from arcsecond_core.transfer.checksum import sha256_of

from .fakes import FakeAPI

UUID = "6f1c2f36-8f0e-4b8e-9d7e-1a2b3c4d5e6f"


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


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
        lookup.find_dataset(api, UUID, tmp_path)
    api.datasets.items.append({"uuid": UUID, "name": "M31", "telescope": None})
    target = lookup.find_dataset(api, UUID, tmp_path)
    assert (target.uuid, target.name, target.exists) == (UUID, "M31", True)


def test_dataset_by_name_found_created_or_ambiguous(tmp_path: Path) -> None:
    api = FakeAPI()
    target = lookup.find_dataset(api, "M31", tmp_path)
    assert not target.exists and target.name == "M31"
    uuid = lookup.create_dataset(api, target, "tel-1")
    assert api.datasets.items == [{"uuid": uuid, "telescope": "tel-1", "name": "M31"}]
    assert lookup.find_dataset(api, "M31", tmp_path).uuid == uuid
    api.datasets.items.append({"uuid": "x2", "name": "M31"})
    with pytest.raises(errors.ArcsecondError, match="2 datasets are named 'M31'"):
        lookup.find_dataset(api, "M31", tmp_path)
    with pytest.raises(errors.UsageError):
        lookup.find_dataset(api, "  ", tmp_path)


def test_dataset_defaults_to_folder_name(tmp_path: Path) -> None:
    folder = tmp_path / "2024-05-01"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.fits").write_bytes(b"a")
    assert default_dataset_name([folder]) == "2024-05-01"
    assert default_dataset_name([folder / "a.fits"]) == "2024-05-01"
    assert default_dataset_name([folder / "a.fits", folder / "sub"]) is None
    assert lookup.find_dataset(FakeAPI(), None, "2024-05-01").name == "2024-05-01"
    with pytest.raises(errors.UsageError, match="name it with -d"):
        lookup.find_dataset(FakeAPI(), None, None)


def test_create_dataset_that_appeared_meanwhile(tmp_path: Path) -> None:
    api = FakeAPI()
    target = lookup.find_dataset(api, "M31", tmp_path)
    api.datasets.items.append({"uuid": "u1", "name": "M31", "telescope": None})
    assert lookup.create_dataset(api, target, None) == "u1"


def test_portal_checks(tmp_path: Path) -> None:
    api = FakeAPI(portal="obs")
    with pytest.raises(errors.ArcsecondError, match="no portal 'obs'"):
        lookup.check_portal(api, "obs")
    api.organisations.items.append({"subdomain": "obs", "name": "Observatory"})
    with pytest.raises(errors.ArcsecondError, match="not a member of portal 'obs'"):
        lookup.check_portal(api, "obs")
    api.members.add("obs")
    assert lookup.check_portal(api, "obs")["name"] == "Observatory"


def test_a_server_error_in_the_portal_check_is_not_a_membership_refusal() -> None:
    """A 500 from the verify-organisation call is the server's trouble, reported as such (and
    tried again by ``patiently``), never "not a member" (which would end the run for good)."""

    class Failing(FakeAPI):
        def verify_portal(self, subdomain: str) -> None:
            raise errors.ServerError("internal server error", 500)

    api = Failing(portal="obs")
    api.organisations.items.append({"subdomain": "obs", "name": "Observatory"})
    with pytest.raises(errors.ServerError) as raised:
        lookup.check_portal(api, "obs")
    assert raised.value.status_code == 500
    assert "not a member" not in str(raised.value)


def test_compare_by_name_size_and_checksum(tmp_path: Path) -> None:
    contents = {"same": b"12345", "rewritten": b"54321", "other": b"abc", "new": b"n"}
    for name, content in contents.items():
        (tmp_path / name).write_bytes(content)
    files = scan(tmp_path).files
    remote = {
        "same": {"id": 1, "file_name": "same", "size": 5, "checksum": sha(b"12345")},
        "rewritten": {"id": 2, "file_name": "rewritten", "size": 5, "checksum": sha(b"12345")},
        "other": {"id": 3, "file_name": "other", "size": 99},
    }
    result = comparison.compare(files, remote, {})
    assert [d.file.relative for d in result.to_send] == ["new"]
    assert [(d.file.relative, d.sha256) for d in result.skipped] == [("same", sha(b"12345"))]
    assert [d.file.relative for d in result.conflicts] == ["other", "rewritten"]
    reasons = {d.file.relative: d.reason for d in result.conflicts}
    assert "different file named 'other'" in reasons["other"] and "99 bytes" in reasons["other"]
    assert "same size, other sha256" in reasons["rewritten"] and "--replace" in reasons["rewritten"]
    assert comparison.same_content({"size": 5, "checksum": "AB"}, 5, "ab")
    assert not comparison.same_content({"size": 5, "checksum": "cd"}, 5, "ab")
    replaced = comparison.compare(files, remote, {}, replace=True)
    assert not replaced.conflicts
    assert {d.file.relative: d.action for d in replaced.to_send} == {
        "new": "send", "other": "replace", "rewritten": "replace"}
    assert {d.remote["id"] for d in replaced.to_send if d.remote} == {2, 3}


def test_hash_only_when_sizes_match_and_the_ledger_cannot_vouch(tmp_path: Path) -> None:
    for name in ("a", "b", "c"):
        (tmp_path / name).write_bytes(name.encode() * 5)
    files = {f.relative: f for f in scan(tmp_path).files}
    remote = {name: {"id": i, "file_name": name, "size": 5, "checksum": sha(name.encode() * 5)}
              for i, name in enumerate("abc")}
    remote["c"]["size"] = 6
    a = files["a"]
    ledger = {"a": Entry("a", "a", 5, a.mtime_ns, sha(b"aaaaa"), 0, "sent"),
              "b": Entry("b", "b", 5, files["b"].mtime_ns - 1, sha(b"bbbbb"), 1, "sent")}
    hashed: list[str] = []

    def hasher(path: Path) -> str:
        hashed.append(path.name)
        return sha(path.read_bytes())

    result = comparison.compare(list(files.values()), remote, ledger, hasher=hasher)
    assert hashed == ["b"]  # a: the ledger vouches; c: sizes differ, no need to read it
    assert [d.file.relative for d in result.skipped] == ["a", "b"]
    assert [d.file.relative for d in result.conflicts] == ["c"]


def test_ledger_alone_compares_content_for_an_upload_key(tmp_path: Path) -> None:
    for name in ("touched", "rewritten", "grown"):
        (tmp_path / name).write_bytes(b"12345")
    (tmp_path / "rewritten").write_bytes(b"54321")
    (tmp_path / "grown").write_bytes(b"123456")
    files = {f.relative: f for f in scan(tmp_path).files}
    ledger = {name: Entry(name, name, 5, files[name].mtime_ns - 1, sha(b"12345"), i, "sent")
              for i, name in enumerate(files)}
    result = comparison.compare(list(files.values()), None, ledger)
    assert [d.file.relative for d in result.skipped] == ["touched"]
    assert sorted(d.file.relative for d in result.conflicts) == ["grown", "rewritten"]
    assert all("changed since" in d.reason for d in result.conflicts)


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
