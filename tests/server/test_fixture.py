"""The ``arcsecond_server`` pytest fixture offered to every project that installs us."""

from __future__ import annotations

import pytest
import requests

from arcsecond_core.testing import ArcsecondServer, ServerStartError, start_server

from .conftest import Api

pytestmark = pytest.mark.e2e


def test_fixture_gives_a_ready_server(arcsecond_server: ArcsecondServer):
    assert arcsecond_server.url.startswith("http://127.0.0.1:")
    assert not arcsecond_server.url.endswith("/")
    assert requests.get(arcsecond_server.url + "/", timeout=10).status_code == 200
    assert (arcsecond_server.data_dir / "arcsecond.sqlite3").exists()
    user = arcsecond_server.add_user("fixture-user")
    assert set(user) >= {"username", "access_key", "upload_key"}
    api = Api(arcsecond_server, user["access_key"])
    assert api.get("profiles/fixture-user/").json()["username"] == "fixture-user"
    site = arcsecond_server.admin("addsite", "Fixture site", "--longitude", "1", "--latitude", "2")
    assert api.get(f"observingsites/{site['uuid']}/").status_code == 200
    with pytest.raises(AssertionError, match="already exists"):
        arcsecond_server.add_user("fixture-user")


def test_failed_start_reports_stderr(tmp_path):
    with pytest.raises(ServerStartError, match="fault rate"):
        start_server(tmp_path, "--fault-rate", "7")


def test_chunked_upload_and_web_page(arcsecond_server: ArcsecondServer):
    user = arcsecond_server.add_user("chunky")
    api = Api(arcsecond_server, user["access_key"])
    dataset = api.dataset()
    boundary = "xyzzy"
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="dataset"\r\n\r\n{dataset["uuid"]}'
        f'\r\n--{boundary}\r\nContent-Disposition: form-data; name="is_raw"\r\n\r\nFalse\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="c.txt"\r\n\r\n'
    ).encode() + b"0123456789" * 1000 + f"\r\n--{boundary}--\r\n".encode()

    def chunks():
        for start in range(0, len(body), 777):
            yield body[start:start + 777]

    answer = api.post("datafiles/", data=chunks(),
                      headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
    assert answer.status_code == 201, answer.text
    assert answer.json()["size"] == 10_000
    page = api.get(f"datasets/{dataset['uuid']}/", headers={"Accept": "text/html"})
    assert page.status_code == 200 and "text/html" in page.headers["Content-Type"]
    assert dataset["uuid"] in page.text and "c.txt" in page.text
