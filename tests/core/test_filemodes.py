"""Writes that set permissions work where ``os.fchmod`` is missing (Windows before Python 3.13)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from arcsecond_core.config import Config
from arcsecond_core.filemodes import set_mode

posix_modes = pytest.mark.skipif(os.name != "posix", reason="POSIX permission bits")


@pytest.fixture
def no_fchmod(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delattr(os, "fchmod", raising=False)
    assert not hasattr(os, "fchmod")


@posix_modes
@pytest.mark.parametrize("missing", [False, True])
def test_set_mode_by_descriptor_or_by_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                          missing: bool) -> None:
    if missing:
        monkeypatch.delattr(os, "fchmod", raising=False)
    path = tmp_path / "file"
    with path.open("w") as handle:
        set_mode(handle.fileno(), path, 0o640)
    assert stat.S_IMODE(path.stat().st_mode) == 0o640


@posix_modes
def test_config_is_saved_0600_without_fchmod(tmp_path: Path, no_fchmod: None) -> None:
    config = Config(tmp_path / "config")
    config.add_server("local", "http://127.0.0.1:8000")
    config.save_key("local", "alice", "access", "secret-key-0123456789")
    assert stat.S_IMODE(config.path.stat().st_mode) == 0o600
    assert Config(tmp_path / "config").server("local").access_key == "secret-key-0123456789"
