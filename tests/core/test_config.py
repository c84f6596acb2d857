"""config.ini: the public client's format, 0600, atomic writes, clear errors on corruption."""

from __future__ import annotations

import os
import stat
import subprocess
from pathlib import Path

import pytest

from arcsecond_core import config as config_module
from arcsecond_core.config import CLOUD_URL, Config
from arcsecond_core.errors import ConfigError, UsageError
from arcsecond_core.testing import arcsecond_script


def test_round_trip_keeps_servers_keys_and_current(tmp_path: Path) -> None:
    config = Config(tmp_path)
    config.add_server("local", "http://127.0.0.1:8000/")
    config.use("local")
    config.save_key("local", "alice", "access", "a" * 40)
    config.save_key("local", "alice", "upload", "u" * 40)

    again = Config(tmp_path)
    profile = again.current()
    assert profile.name == "local"
    assert profile.api_server == "http://127.0.0.1:8000"
    assert (profile.username, profile.access_key, profile.upload_key) == ("alice", "a" * 40, "u" * 40)
    assert profile.key_type == "access" and profile.key == "a" * 40
    assert again.server_names() == ["cloud", "local"]


def test_reads_the_public_clients_file_and_keeps_what_it_does_not_know(tmp_path: Path) -> None:
    (tmp_path / "config.ini").write_text(
        "[cloud]\napi_server = https://evil.example\nusername = bob\napi_key = legacykey123\n"
        "organisation = lowell\n"
    )
    config = Config(tmp_path)
    profile = config.server("cloud")
    assert profile.api_server == CLOUD_URL  # [cloud] cannot be pointed elsewhere
    assert profile.access_key == "legacykey123" and profile.key_type == "access"

    config.save_key("cloud", "bob", "upload", "upkey456")
    text = (tmp_path / "config.ini").read_text()
    assert "organisation = lowell" in text
    assert "api_key = legacykey123" in text  # an upload key does not replace the access key


def test_saving_an_access_key_replaces_the_legacy_one(tmp_path: Path) -> None:
    (tmp_path / "config.ini").write_text("[cloud]\nusername = bob\napi_key = old\n")
    Config(tmp_path).save_key("cloud", "bob", "access", "newkey")
    text = (tmp_path / "config.ini").read_text()
    assert "access_key = newkey" in text and "api_key" not in text


def test_keys_of_another_user_are_forgotten(tmp_path: Path) -> None:
    config = Config(tmp_path)
    config.save_key("cloud", "alice", "access", "alicekey")
    config.save_key("cloud", "bob", "upload", "bobupload")
    profile = Config(tmp_path).server("cloud")
    assert (profile.username, profile.access_key, profile.upload_key) == ("bob", None, "bobupload")


def test_environment_and_override_pick_the_server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = Config(tmp_path)
    config.add_server("a", "http://a")
    config.add_server("b", "http://b")
    config.use("a")
    assert config.current_name() == "a"
    monkeypatch.setenv("ARCSECOND_API", "b")
    assert config.current_name() == "b"
    assert config.current_name("cloud") == "cloud"


def test_config_dir_follows_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ARCSECOND_CONFIG_DIR", str(tmp_path / "elsewhere"))
    Config().add_server("x", "http://x")
    assert (tmp_path / "elsewhere" / "config.ini").exists()


def test_file_is_0600_and_directory_0700(tmp_path: Path) -> None:
    directory = tmp_path / "new"
    Config(directory).save_key("cloud", "alice", "access", "secret")
    assert stat.S_IMODE(os.stat(directory / "config.ini").st_mode) == 0o600
    assert stat.S_IMODE(os.stat(directory).st_mode) == 0o700


def test_mode_stays_0600_after_rewrites_even_with_a_lax_umask(tmp_path: Path) -> None:
    old = os.umask(0o000)
    try:
        config = Config(tmp_path)
        for n in range(3):
            config.add_server(f"s{n}", "http://x")
    finally:
        os.umask(old)
    assert stat.S_IMODE(os.stat(tmp_path / "config.ini").st_mode) == 0o600


def test_a_failed_write_leaves_the_old_file_whole_and_no_temp_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = Config(tmp_path)
    config.save_key("cloud", "alice", "access", "keep-me")
    before = (tmp_path / "config.ini").read_bytes()

    def fail_replace(*_args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(config_module.os, "replace", fail_replace)
    with pytest.raises(ConfigError, match="No space left"):
        config.save_key("cloud", "alice", "access", "lost")
    assert (tmp_path / "config.ini").read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["config.ini"]


@pytest.mark.parametrize(
    ("text", "line", "detail"),
    [
        ("api_server = x\n[cloud]\n", 1, "before the first"),
        ("[cloud]\nusername = a\n[cloud]\n", 3, "appears twice"),
        ("[local]\napi_server = http://x\nthis is not ini\n", 3, "not a valid INI line"),
    ],
)
def test_a_corrupt_file_names_file_and_line_and_is_not_touched(
    tmp_path: Path, text: str, line: int, detail: str
) -> None:
    path = tmp_path / "config.ini"
    path.write_text(text)
    with pytest.raises(ConfigError) as caught:
        Config(tmp_path)
    message = str(caught.value)
    assert str(path) in message and f"line {line}" in message and detail in message
    assert "\n" not in message
    assert path.read_text() == text


def test_cloud_cannot_be_redefined_and_names_are_checked(tmp_path: Path) -> None:
    config = Config(tmp_path)
    with pytest.raises(UsageError):
        config.add_server("cloud", "http://elsewhere")
    with pytest.raises(UsageError):
        config.add_server("cli", "http://x")
    with pytest.raises(UsageError):
        config.add_server("local", "ftp://x")
    with pytest.raises(ConfigError, match="no API server named 'nope'"):
        config.use("nope")


@pytest.mark.parametrize("name", [" local", "local ", "\tlocal", "local\t", " "])
def test_a_server_name_with_spaces_at_its_ends_is_refused(tmp_path: Path, name: str) -> None:
    config = Config(tmp_path)
    with pytest.raises(UsageError, match="cannot be used as a server name"):
        config.add_server(name, "http://127.0.0.1:8000")
    assert not config.has_server(name) and not (tmp_path / "config.ini").exists()


def test_api_add_refuses_a_name_with_spaces_at_its_ends(isolated_config_dir: Path) -> None:
    for name in (" local", "local "):
        proc = subprocess.run([arcsecond_script(), "api", "add", name, "http://127.0.0.1:8000"],
                              capture_output=True, text=True, timeout=60)
        assert proc.returncode == 2, proc.stderr
        assert proc.stderr == f"error: {name!r} cannot be used as a server name\n"
    assert not (isolated_config_dir / "config.ini").exists()
    proc = subprocess.run([arcsecond_script(), "api", "add", "local", "http://127.0.0.1:8000"],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert Config().server_names() == ["cloud", "local"]


def test_remove_server_forgets_it_and_falls_back_to_cloud(tmp_path: Path) -> None:
    config = Config(tmp_path)
    config.add_server("local", "http://x")
    config.use("local")
    config.remove_server("local")
    again = Config(tmp_path)
    assert again.server_names() == ["cloud"] and again.current_name() == "cloud"


def test_clear_keys(tmp_path: Path) -> None:
    config = Config(tmp_path)
    config.save_key("cloud", "alice", "access", "k1")
    assert config.clear_keys("cloud") is True
    assert Config(tmp_path).server("cloud").key is None
    assert config.clear_keys("cloud") is False
