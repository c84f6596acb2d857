"""Sending files (upload/transfer.py, on the shared retried run) against an in-memory API: retries,
duplicates, failures that stay local."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from arcsecond_plugins.upload.ledger import Ledger
from arcsecond_plugins.upload.scan import scan
from arcsecond_plugins.upload.transfer import Transfer

from arcsecond_core import errors
from arcsecond_core.datafiles import UploadCancelled
from arcsecond_core.retrying import Backoff
from arcsecond_core.transfer.outcome import CANCELLED, CONFLICT, FAILED, SKIPPED, UPLOADED

from .fakes import FakeAPI

FAST = Backoff(attempts=4, base=0.001, cap=0.01)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    root = tmp_path / "data"
    root.mkdir()
    for i in range(6):
        (root / f"f{i}.fits").write_bytes(bytes([i]) * (100 + i))
    return root


def make(tmp_path: Path, api: FakeAPI, **kwargs: object) -> Transfer:
    ledger = Ledger("http://fake", "ds", tmp_path / "ledger.sqlite3")
    return Transfer(api, "ds", ledger, policy=kwargs.pop("policy", FAST), **kwargs)  # type: ignore[arg-type]


def test_all_files_sent_once_with_tags(tmp_path: Path, folder: Path) -> None:
    api = FakeAPI()
    transfer = make(tmp_path, api, tags=("a", "b"), is_raw=False, jobs=3)
    outcomes = transfer.run(scan(folder).files)
    assert [o.status for o in outcomes] == [UPLOADED] * 6
    assert sorted(i["file_name"] for i in api.datafiles.items) == [f"f{i}.fits" for i in range(6)]
    assert api.datafiles.items[0]["tags"] == ["a", "b"] and api.datafiles.items[0]["is_raw"] is False
    entries = transfer.ledger.entries()
    assert all(e.status == "sent" and e.sha256 and e.datafile_id for e in entries.values())


def test_transient_errors_are_retried(tmp_path: Path, folder: Path) -> None:
    api = FakeAPI()
    api.datafiles.failures = [
        errors.ConnectionFailed("refused"), errors.ServerError("boom", 500),
        errors.TooManyRequests("slow down", 429), errors.ServerError("busy", 503),
    ]
    outcomes = make(tmp_path, api, jobs=2).run(scan(folder).files)
    assert [o.status for o in outcomes] == [UPLOADED] * 6
    assert len(api.datafiles.calls) == 10
    assert len(api.datafiles.items) == 6


def test_a_file_that_keeps_failing_does_not_stop_the_others(tmp_path: Path, folder: Path) -> None:
    api = FakeAPI()
    api.datafiles.failures = [errors.ServerError("down", 500)] * 4
    outcomes = make(tmp_path, api, jobs=1).run(scan(folder).files)
    assert outcomes[0].status == FAILED and "gave up after 4 attempts" in str(outcomes[0].error)
    assert outcomes[0].retryable
    assert [o.status for o in outcomes[1:]] == [UPLOADED] * 5


def test_client_errors_are_not_retried(tmp_path: Path, folder: Path) -> None:
    api = FakeAPI()
    api.datafiles.failures = [errors.Forbidden("upload key cannot", 403)]
    outcomes = make(tmp_path, api, jobs=1).run(scan(folder).files)
    assert outcomes[0].status == FAILED and not outcomes[0].retryable
    assert api.datafiles.calls.count("f0.fits") == 1


def test_lost_answer_then_already_exists_is_success(tmp_path: Path, folder: Path) -> None:
    api = FakeAPI()
    api.datafiles.store_then_fail = {"f1.fits"}
    outcomes = make(tmp_path, api, jobs=2).run(scan(folder).files)
    assert outcomes[1].status == UPLOADED and outcomes[1].attempts == 2
    assert outcomes[1].datafile_id is not None
    assert [i["file_name"] for i in api.datafiles.items].count("f1.fits") == 1


def test_already_there_from_elsewhere(tmp_path: Path, folder: Path) -> None:
    api = FakeAPI()
    same = (folder / "f0.fits").read_bytes()
    import hashlib

    api.datafiles.items.append({"id": 50, "dataset": "ds", "file_name": "f0.fits",
                                "size": len(same), "checksum": hashlib.sha256(same).hexdigest()})
    api.datafiles.items.append({"id": 51, "dataset": "ds", "file_name": "f1.fits",
                                "size": 3, "checksum": "00"})
    outcomes = make(tmp_path, api, jobs=1).run(scan(folder).files)
    assert (outcomes[0].status, outcomes[0].datafile_id) == (SKIPPED, 50)
    assert (outcomes[1].status, outcomes[1].datafile_id) == (CONFLICT, 51)
    assert "different file" in str(outcomes[1].error)


def test_cancel_stops_pending_files(tmp_path: Path, folder: Path) -> None:
    api = FakeAPI()
    transfer = make(tmp_path, api, jobs=1)
    api.datafiles.failures = [lambda: transfer.cancel.set()]
    outcomes = transfer.run(scan(folder).files)
    assert outcomes[0].status == UPLOADED
    assert {o.status for o in outcomes[1:]} == {CANCELLED}


def test_cancel_returns_soon_even_when_a_worker_never_comes_back(tmp_path: Path, folder: Path
                                                                  ) -> None:
    api = FakeAPI()
    transfer = make(tmp_path, api, jobs=2)
    stuck = threading.Event()

    def noticing() -> None:
        if transfer.cancel.wait(5):
            raise UploadCancelled("cancelled")

    def deaf() -> None:  # a request that ignores the cancel event (waiting for an answer)
        stuck.wait(30)

    api.datafiles.failures = [noticing, deaf]
    threading.Timer(0.05, transfer.cancel.set).start()
    started = time.monotonic()
    try:
        outcomes = transfer.run(scan(folder).files)
        assert time.monotonic() - started < 8
    finally:
        stuck.set()
    assert {o.status for o in outcomes} == {CANCELLED}
    assert api.datafiles.items == []
    assert all(e.status == "sending" for e in transfer.ledger.entries().values())


def test_cancel_during_a_backoff_wait_stops_at_once(tmp_path: Path, folder: Path) -> None:
    api = FakeAPI()
    transfer = make(tmp_path, api, jobs=1, policy=Backoff(attempts=5, base=30, cap=30))
    api.datafiles.failures = [lambda: (_ for _ in ()).throw(errors.ServerError("down", 503))]
    threading.Timer(0.3, transfer.cancel.set).start()
    started = time.monotonic()
    outcomes = transfer.run(scan(folder).files[:1])
    assert time.monotonic() - started < 5
    assert outcomes[0].status == CANCELLED and outcomes[0].attempts == 1


def test_verify_resends_a_corrupted_copy(tmp_path: Path, folder: Path) -> None:
    api = FakeAPI()
    api.datafiles.corrupt = {"f2.fits"}
    outcomes = make(tmp_path, api, jobs=2, verify=True).run(scan(folder).files)
    assert [o.status for o in outcomes] == [UPLOADED] * 6
    assert outcomes[2].attempts == 2 and api.datafiles.calls.count("f2.fits") == 2
    assert [i["file_name"] for i in api.datafiles.items].count("f2.fits") == 1
    assert all(i["checksum"] != "0" * 64 for i in api.datafiles.items)


def test_without_verify_the_size_is_still_checked(tmp_path: Path, folder: Path) -> None:
    api = FakeAPI()
    api.datafiles.corrupt = {"f2.fits"}
    outcomes = make(tmp_path, api, jobs=2).run(scan(folder).files)
    assert outcomes[2].status == UPLOADED and outcomes[2].attempts == 1


def test_upload_key_and_a_refusal_that_says_nothing_more(tmp_path: Path, folder: Path) -> None:
    api = FakeAPI()
    api.datafiles.items.append({"id": 60, "dataset": "ds", "file_name": "f3.fits", "size": 1,
                                "checksum": "00"})
    api.datafiles.forbid_list = True
    api.datafiles.describe_refusals = False
    api.datafiles.store_then_fail = {"f1.fits"}
    outcomes = make(tmp_path, api, jobs=2).run(scan(folder).files)
    assert outcomes[3].status == SKIPPED and "not compared" in str(outcomes[3].note)
    assert outcomes[1].status == UPLOADED and outcomes[1].attempts == 2
    assert {o.status for i, o in enumerate(outcomes) if i not in (1, 3)} == {UPLOADED}


def test_upload_key_compares_with_what_the_refusal_describes(tmp_path: Path,
                                                             folder: Path) -> None:
    import hashlib

    api = FakeAPI()
    same = (folder / "f0.fits").read_bytes()
    api.datafiles.items.append({"id": 60, "dataset": "ds", "file_name": "f0.fits",
                                "size": len(same), "checksum": hashlib.sha256(same).hexdigest()})
    api.datafiles.items.append({"id": 61, "dataset": "ds", "file_name": "f3.fits", "size": 103,
                                "checksum": "00" * 32})
    api.datafiles.forbid_list = True
    outcomes = make(tmp_path, api, jobs=2).run(scan(folder).files)
    assert (outcomes[0].status, outcomes[0].datafile_id) == (SKIPPED, 60)
    assert (outcomes[3].status, outcomes[3].datafile_id) == (CONFLICT, 61)
    assert "same size, other sha256" in str(outcomes[3].error)


def test_replace_deletes_the_copy_a_refusal_names_then_sends(tmp_path: Path, folder: Path) -> None:
    api = FakeAPI()
    api.datafiles.items.append({"id": 77, "dataset": "ds", "file_name": "f2.fits",
                                "size": 102, "checksum": "00" * 32})
    files = [f for f in scan(folder).files if f.relative == "f2.fits"]
    conflict = make(tmp_path, api, jobs=1).run(files)[0]
    assert (conflict.status, conflict.datafile_id) == (CONFLICT, 77)
    replaced = make(tmp_path, api, jobs=1, replace=True).run(files)[0]
    assert replaced.status == UPLOADED
    held = [i for i in api.datafiles.items if i["file_name"] == "f2.fits"]
    assert len(held) == 1 and held[0]["id"] != 77 and held[0]["size"] == 102
    assert held[0]["checksum"] != "00" * 32


def test_replace_with_a_key_that_may_not_delete(tmp_path: Path, folder: Path) -> None:
    api = FakeAPI()
    api.datafiles.forbid_list = api.datafiles.forbid_delete = True
    api.datafiles.items.append({"id": 77, "dataset": "ds", "file_name": "f2.fits",
                                "size": 102, "checksum": "00" * 32})
    files = [f for f in scan(folder).files if f.relative == "f2.fits"]
    outcome = make(tmp_path, api, jobs=1, replace=True).run(files)[0]
    assert outcome.status == FAILED and "may not delete data files" in str(outcome.error)
    assert [i["id"] for i in api.datafiles.items] == [77]
    known = make(tmp_path, api, jobs=1, replace=True, replacing={"f2.fits": 77}).run(files)[0]
    assert known.status == FAILED and "may not delete data files" in str(known.error)
    assert api.datafiles.calls == ["f2.fits"]  # nothing sent when the known copy stays
