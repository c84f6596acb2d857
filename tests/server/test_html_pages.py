"""Every endpoint read by a browser: HTML of the same answer, JSON clients untouched, all escaped."""

from __future__ import annotations

import html
import re
import uuid
from typing import Any

import pytest
import requests

from arcsecond_core.testing import ArcsecondServer

from .conftest import Api, fits_bytes, new_user

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
SCRIPT = "<script>alert(1)</script>"
ODD_FILE = '<img src=x onerror="alert(2)">.txt'
DATES = {"created", "modified", "date_obs", "membership_date", "creation_date"}


class World:
    """One user's data: a site, a telescope, a dataset of FITS and other files, a package."""

    def __init__(self, server: ArcsecondServer) -> None:
        sfx = uuid.uuid4().hex[:6]
        self.user, self.api = new_user(server)
        self.site = server.admin("addsite", f"La Silla {sfx}", "--longitude", "-70.73",
                                 "--latitude", "-29.26", "--time-zone", "America/Santiago")
        self.telescope = server.admin("addtelescope", f"ESO 3.6m {sfx}", "--site",
                                      self.site["uuid"], "--owner", self.user["username"])
        self.dataset = self.api.dataset(SCRIPT, self.telescope["uuid"])
        self.other = self.api.dataset(f"Flats {sfx}")
        frames = [  # uploaded out of time order, on purpose
            ("m31-late.fits", {"OBJECT": "M31", "DATE-OBS": "2024-03-02T04:10:00", "FILTER": "V",
                               "EXPTIME": 120.0, "IMAGETYP": "LIGHT"}),
            ("bias-1.fits", {"DATE-OBS": "2024-03-01T23:00:00", "IMAGETYP": "BIAS", "EXPTIME": 0.0}),
            ("m31-early.fits", {"OBJECT": "M31", "DATE-OBS": "2024-03-02T01:00:00", "FILTER": "V",
                                "EXPTIME": 120.0, "IMAGETYP": "LIGHT"}),
            ("ngc253.fits", {"OBJECT": "NGC 253", "DATE-OBS": "2024-03-02T02:30:00", "FILTER": "R",
                             "EXPTIME": 60.0, "IMAGETYP": "LIGHT"}),
        ]
        self.files: dict[str, dict[str, Any]] = {}
        for name, cards in frames:
            self.files[name] = self.uploaded(name, fits_bytes(cards))
        self.files[ODD_FILE] = self.uploaded(ODD_FILE, b"x" * 2_500_000)
        self.nightlog = self.api.get(f"nightlogs/{self.files['bias-1.fits']['night_log']}/").json()
        answer = self.api.post("datapackages/", json={
            "name": f"Paper {sfx}", "description": "Figures 1-3", "datasets": [self.dataset["uuid"]],
            "nightlogs": [self.nightlog["uuid"]]})
        assert answer.status_code == 201, answer.text
        self.package = answer.json()
        self.observation = self.api.get("observations/").json()["results"][0]
        self.calibration = self.api.get("calibrations/").json()["results"][0]

    def uploaded(self, name: str, content: bytes) -> dict[str, Any]:
        answer = self.api.upload(self.dataset["uuid"], name, content)
        assert answer.status_code == 201, answer.text
        return answer.json()


@pytest.fixture(scope="module")
def world(server: ArcsecondServer) -> World:
    return World(server)


def browse(api: Api, path: str) -> requests.Response:
    return api.get(path, headers={"Accept": BROWSER})


def visible(page: str) -> str:
    """The page without its JSON block (which holds every field, so proves nothing)."""
    return page.split('<details class="raw">')[0]


def shown(field: str, value: Any) -> str:
    if field in DATES:
        return value[:10]
    if field == "size":
        return "MB" if value >= 1_000_000 else "KB"
    return str(value)


def assert_shows(page: str, obj: dict[str, Any]) -> None:
    """Every scalar field of the JSON object is on the page (dates and sizes in their display)."""
    seen = html.unescape(visible(page))
    for field, value in obj.items():
        values = value if isinstance(value, list) else [value]
        for item in values:
            if isinstance(item, (str, int, float)) and not isinstance(item, bool) and item != "":
                assert shown(field, item) in seen, f"{field}={item!r} not on the page"


def endpoints(world: World) -> list[tuple[str, dict[str, Any]]]:
    """Each resource's detail path and its JSON object."""
    username = world.user["username"]
    paths = [f"profiles/{username}/", f"observingsites/{world.site['uuid']}/",
             f"telescopes/{world.telescope['uuid']}/", f"datasets/{world.dataset['uuid']}/"]
    return [
        *[(path, world.api.get(path).json()) for path in paths],
        (f"datafiles/{world.files['ngc253.fits']['id']}/", world.files["ngc253.fits"]),
        (f"nightlogs/{world.nightlog['uuid']}/", world.nightlog),
        (f"observations/{world.observation['id']}/", world.observation),
        (f"calibrations/{world.calibration['id']}/", world.calibration),
        (f"datapackages/{world.package['uuid']}/", world.package),
    ]


def test_every_detail_page_shows_the_objects_data(world: World) -> None:
    for path, obj in endpoints(world):
        page = browse(world.api, path)
        assert page.status_code == 200, (path, page.text)
        assert page.headers["Content-Type"].startswith("text/html"), path
        assert_shows(page.text, obj)


def test_every_list_page_shows_its_objects_with_links(world: World, server: ArcsecondServer) -> None:
    portal = f"obs-{uuid.uuid4().hex[:6]}"
    server.admin("addportal", portal, "--member", f"{world.user['username']}:admin")
    for path, obj in [*endpoints(world), (f"organisations/{portal}/", {"subdomain": portal})]:
        resource = path.split("/")[0]
        listing = browse(world.api, f"{resource}/")
        assert listing.status_code == 200, (resource, listing.text)
        ident = next(str(obj[k]) for k in ("uuid", "id", "username", "subdomain") if k in obj)
        assert f'href="/{resource}/{ident}/"' in listing.text, resource


def test_related_uuids_link_to_their_own_pages(world: World) -> None:
    page = visible(browse(world.api, f"datafiles/{world.files['m31-late.fits']['id']}/").text)
    assert f'href="/datasets/{world.dataset["uuid"]}/"' in page
    assert f'href="/nightlogs/{world.nightlog["uuid"]}/"' in page
    assert f'href="/observations/{world.files["m31-late.fits"]["observation"]}/"' in page
    package = visible(browse(world.api, f"datapackages/{world.package['uuid']}/").text)
    assert f'href="/datasets/{world.dataset["uuid"]}/"' in package
    assert f'href="/nightlogs/{world.nightlog["uuid"]}/"' in package
    assert html.escape(SCRIPT) in package and world.nightlog["date"] in package  # names, not ids
    telescope = visible(browse(world.api, f"telescopes/{world.telescope['uuid']}/").text)
    assert f'href="/observingsites/{world.site["uuid"]}/"' in telescope
    assert html.escape(world.site["name"]) in telescope


def test_a_list_has_its_pagination_links_and_filters_as_a_form(world: World) -> None:
    first = browse(world.api, "datafiles/?page_size=2").text
    assert "Page 1 of 3" in first
    next_link = re.search(r'<a rel="next" href="([^"]+)"', first)
    assert next_link and "page=2" in next_link.group(1) and "page_size=2" in next_link.group(1)
    second = world.api.get(html.unescape(next_link.group(1)), headers={"Accept": BROWSER}).text
    assert "Page 2 of 3" in second and 'rel="prev"' in second
    form = re.search(r'<form class="filters".*?</form>', browse(world.api, "datasets/").text, re.S)
    assert form is not None
    assert {"name", "telescope", "page_size"} <= set(re.findall(r'<input name="(\w+)"', form.group(0)))
    filtered = browse(world.api, f"datasets/?name={world.other['name']}").text
    assert html.escape(world.other["name"]) in filtered and html.escape(SCRIPT) not in filtered
    assert f'value="{html.escape(world.other["name"])}"' in filtered  # the form keeps the filter


def test_the_dataset_page_lists_its_files(world: World) -> None:
    page = visible(browse(world.api, f"datasets/{world.dataset['uuid']}/").text)
    table = re.search(r'<table id="datafiles">.*?</table>', page, re.S)
    assert table is not None
    rows = re.findall(r"<tr data-id=\"(\d+)\">(.*?)</tr>", table.group(0), re.S)
    assert {int(i) for i, _ in rows} == {f["id"] for f in world.files.values()}
    cells = {int(i): re.sub(r"<[^>]+>", " ", row) for i, row in rows}
    late = cells[world.files["m31-late.fits"]["id"]]
    for text in ("m31-late.fits", "5.8 KB", "fits", "2024-03-02 04:10:00", "M31", world.nightlog["date"]):
        assert text in late, (text, late)
    bias = cells[world.files["bias-1.fits"]["id"]]
    assert "bias" in bias and "2024-03-01 23:00:00" in bias
    odd = cells[world.files[ODD_FILE]["id"]]
    assert "2.5 MB" in odd and "other" in odd and ODD_FILE in html.unescape(odd)


def test_the_night_log_page_groups_frames_in_time_order(world: World) -> None:
    page = visible(browse(world.api, f"nightlogs/{world.nightlog['uuid']}/").text)
    assert f"Night of {world.nightlog['date']}" in page
    observations, calibrations = page.split('id="observations"')[1].split('id="calibrations"')
    assert observations.index("m31-early.fits") < observations.index("m31-late.fits")
    # Groups by target, in the order of their first frame: M31 (01:00) before NGC 253 (02:30).
    assert observations.index(">M31 <") < observations.index(">NGC 253 <")
    assert "ngc253.fits" in observations.split(">NGC 253 <")[1]
    assert "bias-1.fits" in calibrations and "bias-1.fits" not in observations
    assert ">Bias <" in calibrations


def test_json_clients_see_no_change(world: World) -> None:
    for path, _obj in [*endpoints(world), ("datasets/", {}), ("datafiles/?page_size=2", {}), ("", {})]:
        answers = [world.api.get(path, headers={"Accept": accept} if accept else {})
                   for accept in (None, "*/*", "application/json", "text/html;q=0.5, application/json")]
        bare = requests.get(world.api.url(path), headers=world.api.headers(), timeout=30)
        assert "Accept" not in bare.request.headers or bare.request.headers["Accept"] == "*/*"
        for answer in [*answers, bare]:
            assert answer.status_code == 200, (path, answer.text)
            assert answer.headers["Content-Type"] == "application/json", path
            assert answer.content == answers[0].content, path
    assert world.api.get("nothing/").json() == {"detail": "Not found."}
    anonymous = requests.get(world.api.url("datasets/"), timeout=30)
    assert anonymous.status_code == 401 and anonymous.json()["detail"].startswith("Authentication")


def test_a_malicious_name_is_text_in_every_view(world: World) -> None:
    views = ["datasets/", f"datasets/{world.dataset['uuid']}/", "datafiles/",
             f"datafiles/{world.files[ODD_FILE]['id']}/", f"datapackages/{world.package['uuid']}/",
             f"nightlogs/{world.nightlog['uuid']}/"]
    for path in views:
        page = browse(world.api, path).text
        assert SCRIPT not in page and "<img src=x" not in page, path
        assert SCRIPT in html.unescape(page) or ODD_FILE in html.unescape(page), path


def test_errors_are_readable_pages(world: World, server: ArcsecondServer) -> None:
    missing = browse(world.api, f"datasets/{uuid.uuid4()}/")
    assert missing.status_code == 404 and missing.headers["Content-Type"].startswith("text/html")
    assert "Not found" in missing.text
    anonymous = requests.get(server.endpoint(f"datasets/{world.dataset['uuid']}/"),
                             headers={"Accept": BROWSER}, timeout=30)
    assert anonymous.status_code == 401 and anonymous.headers["Content-Type"].startswith("text/html")
    assert 'action="/web/sign-in/"' in anonymous.text
    assert f'name="next" value="/datasets/{world.dataset["uuid"]}/"' in anonymous.text
    _stranger, stranger = new_user(server)
    assert browse(stranger, f"datasets/{world.dataset['uuid']}/").status_code == 404
    upload_key = Api(server, world.user["upload_key"])
    forbidden = browse(upload_key, "datafiles/")
    assert forbidden.status_code == 403 and "upload key" in forbidden.text
    page = browse(upload_key, f"datasets/{world.dataset['uuid']}/")
    assert page.status_code == 200 and "not readable with an upload key" in page.text


def test_portal_pages_keep_the_portal_in_their_links(world: World, server: ArcsecondServer) -> None:
    portal = f"pic-{uuid.uuid4().hex[:6]}"
    server.admin("addportal", portal, "--member", f"{world.user['username']}:member")
    api = world.api.in_portal(portal)
    dataset = api.dataset("Portal data")
    assert api.upload(dataset["uuid"], "p.fits", fits_bytes({"DATE-OBS": "2024-05-01T03:00:00"})
                      ).status_code == 201
    page = browse(api, f"datasets/{dataset['uuid']}/").text
    assert "p.fits" in page and f'href="/{portal}/datafiles/' in page
    assert f'href="/{portal}/nightlogs/' in page
    assert browse(world.api, f"datasets/{dataset['uuid']}/").status_code == 404  # not the user's


def test_old_web_pages_and_public_paths_redirect_to_the_real_view(world: World, server: ArcsecondServer
                                                                   ) -> None:
    old = requests.get(server.endpoint(f"web/datasets/{world.dataset['uuid']}/"), timeout=30,
                       allow_redirects=False)
    assert old.status_code == 301
    assert old.headers["Location"].endswith(f"/datasets/{world.dataset['uuid']}/")
    assert requests.get(server.endpoint("web/nothing/"), timeout=30).status_code == 404
    live = requests.get(server.endpoint("live/"), headers={"Accept": BROWSER}, timeout=30,
                        allow_redirects=False)
    assert live.status_code == 302 and live.headers["Location"].endswith("/activities/")
    star = requests.get(server.endpoint("objects/HD%205980"), headers={"Accept": BROWSER},
                        timeout=30, allow_redirects=False)
    assert star.status_code == 302 and star.headers["Location"].endswith("/objects/HD%205980/")


def test_download_links_work_from_a_page(world: World) -> None:
    page = browse(world.api, f"datafiles/{world.files['bias-1.fits']['id']}/").text
    link = re.search(r'href="([^"]+/download/)"', page)
    assert link is not None
    answer = world.api.get(link.group(1), headers={"Accept": BROWSER})
    assert answer.status_code == 200 and answer.content.startswith(b"SIMPLE")
