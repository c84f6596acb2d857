"""Logging in with a password from the core, and the 1.x ``arcsecond`` module's documented forms."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import pytest

from arcsecond_core import errors
from arcsecond_core.accounts import Registration, login_with_password, register
from arcsecond_core.config import Config
from tests.api.conftest import unique

pytestmark = pytest.mark.e2e
PASSWORD = "Orion-Nebula-42"


@pytest.fixture
def local(arcsecond_server: Any, isolated_config_dir: Path) -> Config:
    config = Config(isolated_config_dir)
    config.add_server("local", arcsecond_server.url)
    config.use("local")
    return config


@pytest.fixture
def with_password(arcsecond_server: Any) -> dict[str, Any]:
    return arcsecond_server.admin("adduser", unique("pw"), "--password", PASSWORD)


def config_text(config: Config) -> str:
    return config.path.read_text()


def test_login_with_password_saves_both_keys_only(local: Config, with_password: dict[str, Any]
                                                  ) -> None:
    profile = login_with_password(with_password["username"], PASSWORD)
    assert profile.access_key == with_password["access_key"]
    assert profile.upload_key == with_password["upload_key"]
    saved = Config(local.directory).server("local")
    assert saved.username == with_password["username"] and saved.key_type == "access"
    text = config_text(local)
    assert PASSWORD not in text and "token" not in text.lower()
    assert oct(local.path.stat().st_mode & 0o777) == "0o600"


def test_wrong_password_saves_nothing(local: Config, with_password: dict[str, Any]) -> None:
    with pytest.raises(errors.ValidationError, match="Unable to log in with provided credentials"):
        login_with_password(with_password["username"], "not-it")
    assert Config(local.directory).server("local").username is None


def test_register_then_use_the_keys(local: Config) -> None:
    name = unique("new")
    profile = register(Registration(name, f"{name}@example.org", PASSWORD, PASSWORD))
    assert profile.username == name and profile.access_key and profile.upload_key
    from arcsecond_core.api import ArcsecondAPI

    with ArcsecondAPI() as api:
        assert api.me()["username"] == name
    with pytest.raises(errors.ValidationError, match="two password fields didn't match"):
        register(Registration(unique("new"), "x@example.org", PASSWORD, PASSWORD + "!"))


def test_old_module_documented_forms(local: Config, with_password: dict[str, Any],
                                     arcsecond_server: Any, tmp_path: Path) -> None:
    from arcsecond import ArcsecondAPI

    assert "deprecated" in (ArcsecondAPI.__doc__ or "").lower()
    ArcsecondAPI.login(with_password["username"], PASSWORD)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        andromeda = ArcsecondAPI(ArcsecondAPI.ENDPOINT_OBJECTS).read("M31")
        assert andromeda["ICRS_coordinates"]["declination"] == pytest.approx(41.269, abs=1e-3)
        assert ArcsecondAPI(ArcsecondAPI.ENDPOINT_OBJECTS).read(("Andromeda", "Galaxy"))["name"] \
            == andromeda["name"]
        dataset = ArcsecondAPI(ArcsecondAPI.ENDPOINT_DATASETS).create({"name": unique("old")})
        path = tmp_path / "frame 1.fits"
        path.write_bytes(b"SIMPLE  =                    T" + b" " * 2850)
        created = ArcsecondAPI(ArcsecondAPI.ENDPOINT_FITSFILES,
                               dataset=dataset["uuid"]).create(file=str(path))
        assert created["file_name"] == "frame 1.fits" and created["dataset"] == dataset["uuid"]
        files = ArcsecondAPI(ArcsecondAPI.ENDPOINT_FITSFILES, dataset=dataset["uuid"]).list()
        assert [f["id"] for f in files] == [created["id"]]
        me = ArcsecondAPI(ArcsecondAPI.ENDPOINT_ME).read()
        assert me["username"] == with_password["username"]
