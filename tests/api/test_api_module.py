"""``ArcsecondAPI``: which server and key it uses, identity checks, and how failures surface."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from arcsecond_core import errors
from arcsecond_core.api import ArcsecondAPI, default_api
from arcsecond_core.config import Config
from arcsecond_core.testing_client import ArcsecondClient

pytestmark = pytest.mark.e2e


def test_the_package_exports_the_api() -> None:
    import arcsecond_core

    assert arcsecond_core.ArcsecondAPI is ArcsecondAPI
    assert "ArcsecondAPI" in arcsecond_core.__all__


def test_current_server_and_key_come_from_config_ini(
    arcsecond_client: ArcsecondClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ARCSECOND_CONFIG_DIR", str(arcsecond_client.config_dir))
    with ArcsecondAPI() as api:
        assert api.profile.name == "local"
        assert api.profile.api_server == arcsecond_client.url
        assert api.username == arcsecond_client.username
        assert api.key_type == "access"
        assert api.me()["username"] == arcsecond_client.username
        assert repr(api) == f"<ArcsecondAPI local {arcsecond_client.url}>"


def test_server_by_name_and_from_the_environment(
    arcsecond_client: ArcsecondClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ARCSECOND_CONFIG_DIR", str(arcsecond_client.config_dir))
    Config(arcsecond_client.config_dir).use("cloud")
    assert ArcsecondAPI().profile.name == "cloud"
    with ArcsecondAPI(server="local") as api:
        assert api.me()["username"] == arcsecond_client.username
    monkeypatch.setenv("ARCSECOND_API", "local")
    with ArcsecondAPI() as api, default_api() as default:
        assert api.profile.name == default.profile.name == "local"
        assert default.me()["username"] == arcsecond_client.username


def test_an_unknown_server_name_is_a_config_error(
    arcsecond_client: ArcsecondClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ARCSECOND_CONFIG_DIR", str(arcsecond_client.config_dir))
    with pytest.raises(errors.ConfigError, match="no API server named 'nowhere'"):
        ArcsecondAPI(server="nowhere")


def test_explicit_url_and_key_bypass_the_config_file(
    arcsecond_client: ArcsecondClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ARCSECOND_CONFIG_DIR", str(tmp_path / "empty"))
    with ArcsecondAPI(api_server=arcsecond_client.url + "/", username=arcsecond_client.username,
                      key=arcsecond_client.access_key) as api:
        assert api.session.base_url == arcsecond_client.url
        assert api.me()["username"] == arcsecond_client.username
    assert not (tmp_path / "empty").exists()


def test_not_logged_in(arcsecond_client: ArcsecondClient, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ARCSECOND_CONFIG_DIR", str(arcsecond_client.config_dir))
    Config(arcsecond_client.config_dir).clear_keys("local")
    with ArcsecondAPI() as api:
        assert api.key_type is None
        with pytest.raises(errors.NotLoggedIn):
            api.me()
        with pytest.raises(errors.NotLoggedIn):
            api.verify_portal("any")
        with pytest.raises(errors.Unauthorized) as raised:
            list(api.datasets.list())
    assert raised.value.status_code == 401
    assert "Authentication credentials were not provided." in str(raised.value)


def test_a_wrong_key_is_unauthorized(arcsecond_client: ArcsecondClient) -> None:
    with ArcsecondAPI(api_server=arcsecond_client.url, username=arcsecond_client.username,
                      key="not-a-key") as api, pytest.raises(errors.Unauthorized, match="Invalid key"):
        api.datasets.read("0b9d7f3e-1a55-4e0c-9a53-7f0b7d6b6e11")


def test_verify_key(api: ArcsecondAPI, arcsecond_client: ArcsecondClient) -> None:
    api.verify_key(arcsecond_client.username, arcsecond_client.access_key)
    api.verify_key(arcsecond_client.username, arcsecond_client.upload_key)
    with pytest.raises(errors.HTTPError, match="Invalid key") as raised:
        api.verify_key(arcsecond_client.username, "wrong")
    assert 400 <= raised.value.status_code < 500


def test_verify_portal(api: ArcsecondAPI, portal: str) -> None:
    api.verify_portal(portal)
    with pytest.raises(errors.NotFound, match="not found"):
        api.verify_portal("no-such-portal")


def test_verify_portal_of_another_user(arcsecond_server, api: ArcsecondAPI) -> None:
    other = arcsecond_server.add_user(f"other{api.username[-8:]}")
    subdomain = f"priv-{api.username[-8:]}"
    arcsecond_server.admin("addportal", subdomain, "--member", f"{other['username']}:admin")
    with pytest.raises(errors.Forbidden, match="not a member"):
        api.verify_portal(subdomain)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_an_unreachable_server_is_connection_failed() -> None:
    url = f"http://127.0.0.1:{free_port()}"
    with ArcsecondAPI(api_server=url, key="k", retries=0) as api:
        items = api.datasets.list()  # lazy: nothing is sent yet
        with pytest.raises(errors.ConnectionFailed, match="connection refused"):
            next(items)


def test_errors_are_one_family_with_exit_codes(api: ArcsecondAPI) -> None:
    with pytest.raises(errors.ArcsecondError) as raised:
        api.datasets.read("0b9d7f3e-1a55-4e0c-9a53-7f0b7d6b6e11")
    assert isinstance(raised.value, errors.NotFound)
    assert raised.value.exit_code == 1
    assert raised.value.payload == {"detail": "Not found."}


def test_unknown_resource_names_are_attribute_errors(api: ArcsecondAPI) -> None:
    with pytest.raises(AttributeError, match="no_such_thing"):
        api.no_such_thing  # noqa: B018
    with pytest.raises(AttributeError):
        api.resource("no_such_thing")


def test_an_explicit_key_can_be_the_upload_key(arcsecond_client: ArcsecondClient) -> None:
    with ArcsecondAPI(api_server=arcsecond_client.url, username=arcsecond_client.username,
                      key=arcsecond_client.upload_key, key_type="upload") as api:
        assert api.key_type == "upload"
        assert api.profile.upload_key == arcsecond_client.upload_key
        assert api.profile.access_key is None
        assert api.me()["username"] == arcsecond_client.username
        with pytest.raises(errors.Forbidden):
            list(api.nightlogs.list())
    with ArcsecondAPI(api_server=arcsecond_client.url, key=arcsecond_client.access_key) as api:
        assert api.key_type == "access"
    with pytest.raises(errors.UsageError, match="key_type must be one of access, upload"):
        ArcsecondAPI(api_server=arcsecond_client.url, key="k", key_type="session")


def test_an_explicit_key_overrides_the_saved_one(
    arcsecond_client: ArcsecondClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ARCSECOND_CONFIG_DIR", str(arcsecond_client.config_dir))
    with ArcsecondAPI(key=arcsecond_client.upload_key, key_type="upload") as api:
        assert (api.profile.name, api.key_type) == ("local", "upload")
        assert api.username == arcsecond_client.username
        with pytest.raises(errors.Forbidden):
            api.datasets.delete(api.datasets.create(name="kept")["uuid"])
