"""Walking the folder: hidden paths, problems reported, duplicate names and renaming."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from arcsecond_plugins.upload.scan import is_hidden, renamed, resolve_duplicates, scan

from arcsecond_core.errors import UsageError

from .samples import deep_tree, remove_deep_tree


def touch(path: Path, content: bytes = b"x") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return path


def test_regular_files_in_order_hidden_parts_skipped(tmp_path: Path) -> None:
    touch(tmp_path / "b.fits")
    touch(tmp_path / "a" / "c.fits", b"abc")
    touch(tmp_path / ".git" / "config")
    touch(tmp_path / "a" / ".partial.fits")
    result = scan(tmp_path)
    assert [f.relative for f in result.files] == ["a/c.fits", "b.fits"]
    assert result.files[0].size == 3
    assert result.hidden == 2
    assert result.total_bytes == 4


def test_problems_are_reported_not_fatal(tmp_path: Path) -> None:
    touch(tmp_path / "ok.fits")
    touch(tmp_path / "empty.fits", b"")
    (tmp_path / "loop").mkdir()
    os.symlink(tmp_path / "loop", tmp_path / "loop" / "again")
    os.symlink(tmp_path / "missing", tmp_path / "dangling.fits")
    os.symlink("self", tmp_path / "self")
    os.mkfifo(tmp_path / "pipe")
    result = scan(tmp_path)
    assert [f.relative for f in result.files] == ["ok.fits"]
    reasons = {p.relative: p.reason for p in result.problems}
    assert reasons == {
        "dangling.fits": "broken symlink",
        "empty.fits": "empty file",
        "loop/again": "symlink loop",
        "pipe": "not a regular file",
        "self": "symlink loop",
    }
    assert all(p.kind == "ignored" for p in result.problems)


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads every file")
def test_unreadable_file_is_a_failure(tmp_path: Path) -> None:
    path = touch(tmp_path / "secret.fits")
    path.chmod(0)
    result = scan(tmp_path)
    assert result.files == []
    assert result.problems[0].kind == "failed"


def test_symlinked_file_and_folder_are_followed(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    touch(outside / "x.fits", b"12")
    root = tmp_path / "root"
    root.mkdir()
    os.symlink(outside, root / "linked")
    os.symlink(outside / "x.fits", root / "y.fits")
    assert [f.relative for f in scan(root).files] == ["linked/x.fits", "y.fits"]


def test_files_and_several_paths(tmp_path: Path) -> None:
    one = touch(tmp_path / "night" / "sub" / "one.fits")
    touch(tmp_path / "night" / "top.fits")
    touch(tmp_path / "other" / "x.fits")
    assert [(f.relative, f.remote_name) for f in scan(one).files] == [("one.fits", "one.fits")]
    both = scan([tmp_path / "other", one, str(tmp_path / "night")])
    assert [f.relative for f in both.files] == [
        "night/sub/one.fits", "night/top.fits", "one.fits", "other/x.fits"]
    assert [f.remote_name for f in both.files] == ["one.fits", "top.fits", "one.fits", "x.fits"]
    with pytest.raises(UsageError, match=r"one\.fits"):
        resolve_duplicates(both.files, False)
    renamed_files = resolve_duplicates(both.files, True)
    assert {f.remote_name for f in renamed_files} == {
        "night__sub__one.fits", "one.fits", "top.fits", "x.fits"}


def test_bad_paths_are_usage_errors(tmp_path: Path) -> None:
    for paths in ("", [""], ["  "], []):
        with pytest.raises(UsageError):
            scan(paths)
    with pytest.raises(UsageError, match="cannot read"):
        scan(tmp_path / "nope")
    os.mkfifo(tmp_path / "pipe")
    with pytest.raises(UsageError, match="neither a file nor a folder"):
        scan(tmp_path / "pipe")
    touch(tmp_path / "a" / "same")
    touch(tmp_path / "b" / "same" / "x")
    with pytest.raises(UsageError, match="same name"):
        scan([tmp_path / "a" / "same", tmp_path / "b" / "same"])


def test_a_very_deep_tree_is_walked_without_recursion(tmp_path: Path) -> None:
    deep = deep_tree(tmp_path, 1500)
    (deep / "bottom.fits").write_bytes(b"x")
    touch(tmp_path / "d" / "top.fits")
    os.symlink(tmp_path / "d", deep / "loop")
    try:
        result = scan(tmp_path)
    finally:
        remove_deep_tree(tmp_path, 1500)
    assert [f.remote_name for f in result.files] == ["bottom.fits", "top.fits"]
    assert [(len(p.relative.split("/")), p.reason) for p in result.problems] == [
        (1501, "symlink loop")]


def test_duplicates_are_refused_with_every_path(tmp_path: Path) -> None:
    touch(tmp_path / "n1" / "img.fits")
    touch(tmp_path / "n2" / "img.fits")
    touch(tmp_path / "other.fits")
    files = scan(tmp_path).files
    with pytest.raises(UsageError) as info:
        resolve_duplicates(files, rename=False)
    assert "n1/img.fits, n2/img.fits" in str(info.value)
    assert "--rename-duplicates" in str(info.value)


def test_duplicates_renamed(tmp_path: Path) -> None:
    touch(tmp_path / "img.fits")
    touch(tmp_path / "n1" / "deep" / "img.fits")
    touch(tmp_path / "n2" / "img.fits")
    names = {f.relative: f.remote_name for f in resolve_duplicates(scan(tmp_path).files, True)}
    assert names == {
        "img.fits": "img.fits",
        "n1/deep/img.fits": "n1__deep__img.fits",
        "n2/img.fits": "n2__img.fits",
    }


def test_recorded_names_are_kept(tmp_path: Path) -> None:
    touch(tmp_path / "n1" / "img.fits")
    touch(tmp_path / "n2" / "img.fits")
    files = scan(tmp_path).files
    names = {f.relative: f.remote_name
             for f in resolve_duplicates(files, True, {"n2/img.fits": "img.fits"})}
    assert names == {"n1/img.fits": "n1__img.fits", "n2/img.fits": "img.fits"}


def test_helpers() -> None:
    assert is_hidden("a/.b/c") and not is_hidden("a/b.c")
    assert renamed("a/b/c.fits") == "a__b__c.fits"


def test_unreadable_file_reported_as_failed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    touch(tmp_path / "secret.fits")
    touch(tmp_path / "ok.fits")
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda p, m: "secret" not in str(p) and real_access(p, m))
    result = scan(tmp_path)
    assert [f.relative for f in result.files] == ["ok.fits"]
    assert [(p.relative, p.kind) for p in result.problems] == [("secret.fits", "failed")]
