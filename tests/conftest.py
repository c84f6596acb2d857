"""Every test gets its own configuration directory: no test ever touches the user's."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def isolated_config_dir(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    directory = tmp_path_factory.mktemp("config")
    monkeypatch.setenv("ARCSECOND_CONFIG_DIR", str(directory))
    monkeypatch.delenv("ARCSECOND_API", raising=False)
    monkeypatch.delenv("ARCSECOND_PORTAL", raising=False)
    return directory
