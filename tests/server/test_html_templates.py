"""The pages of objects and exoplanets rendered from answers shaped as API.md says, the display
filters, and sign-in by password on servers whose accounts have one."""

from __future__ import annotations

import base64
import hashlib
import html
import re
from pathlib import Path
from typing import Any

import pytest
from arcsecond_plugins.server import admin
from arcsecond_plugins.server.app import ArcsecondApp
from arcsecond_plugins.server.html import BrowserSite
from arcsecond_plugins.server.html_context import Page
from arcsecond_plugins.server.templating import human_size, quantity, render, when
from werkzeug.security import generate_password_hash
from werkzeug.test import Client, EnvironBuilder
from werkzeug.wrappers import Request

COORDINATES = {"system": "ICRS", "right_ascension": 15.8125, "declination": -72.8322,
               "right_ascension_units": "degrees", "declination_units": "degrees",
               "epoch": 2451545, "equinox": 2000}
HD_5980 = {
    "name": "HD 5980", "coordinates": COORDINATES, "ICRS_coordinates": COORDINATES,
    "aliases": [{"name": "Sk 78", "catalogue_url": "https://simbad.example/Sk78"},
                {"name": "<b>AzV 229</b>", "catalogue_url": "javascript:alert(3)"}],
    "object_types": [{"value": "WR*"}, {"value": "EB*"}],
    "fluxes": [{"name": "V", "value": 11.31, "error_max": 0.02, "error_min": 0.02,
                "bibcode": "2003AJ....125.1330H", "unit": "mag"}],
    "planets": ["HD 5980 b"], "ra_sexagesimal": "01:03:15.0", "dec_sexagesimal": "-72:49:56",
    "constellation": "Tucana", "source": "SIMBAD",
}
PEG_B = {
    "name": "51 Peg b", "coordinates": {**COORDINATES, "right_ascension": 344.3667},
    "parent_star": "51 Peg",
    "mass": {"value": 0.46, "unit": "M_jup", "error_max": 0.02, "error_min": 0.02, "bibcode": "1995Natur"},
    "radius": {"value": None, "unit": "R_jup", "error_max": None, "error_min": None, "bibcode": None},
    "orbital_period": {"value": 4.2308, "unit": "days", "error_max": 0.0004, "error_min": 0.0003,
                       "bibcode": None},
    "semi_major_axis": {"value": 0.0527, "unit": "AU", "error_max": None, "error_min": None,
                        "bibcode": None},
    "eccentricity": {"value": 0.013, "unit": None, "error_max": 0.012, "error_min": 0.012,
                     "bibcode": None},
    "inclination": {"value": 70, "unit": "deg", "error_max": None, "error_min": None, "bibcode": None},
    "detection_method": "Radial Velocity", "discovery_year": 1995, "equilibrium_temperature": None,
}


@pytest.fixture
def app(tmp_path: Path) -> ArcsecondApp:
    return ArcsecondApp(tmp_path / "data")


def page_of(app: ArcsecondApp, path: str, resource: str, object_id: str) -> Page:
    request = Request(EnvironBuilder(path=path, headers={"Accept": "text/html"}).get_environ())
    return Page(app, request, None, resource=resource, object_id=object_id)


def visible(page: str) -> str:
    return html.unescape(page.split('<details class="raw">')[0])


def test_an_object_page_shows_coordinates_aliases_and_types(app: ArcsecondApp) -> None:
    page = render("objects_detail.html", page=page_of(app, "/objects/HD%205980/", "objects", "HD 5980"),
                  data=HD_5980, title="HD 5980", resource="objects")
    text = visible(page)
    for shown in ("HD 5980", "15.8125", "-72.8322", "ICRS", "2451545", "01:03:15.0", "-72:49:56",
                  "Tucana", "Sk 78", "WR*", "EB*", "11.31 ± 0.02 mag", "2003AJ....125.1330H", "HD 5980 b"):
        assert shown in text, shown
    assert '<a href="https://simbad.example/Sk78" rel="noopener noreferrer">Sk 78</a>' in page
    assert "<b>AzV" not in page and "&lt;b&gt;AzV 229&lt;/b&gt;" in page
    assert "javascript:" not in page.split('<details class="more">')[0]  # the alias is plain text
    assert 'href="javascript' not in page


def test_an_exoplanet_page_shows_its_parameters(app: ArcsecondApp) -> None:
    page = render("exoplanets_detail.html", page=page_of(app, "/exoplanets/51%20Peg%20b/", "exoplanets",
                                                          "51 Peg b"),
                  data=PEG_B, title="51 Peg b", resource="exoplanets")
    table = page.split('<table id="parameters">')[1].split("</table>")[0]
    for shown in ("0.46 ± 0.02 M_jup", "4.2308 (+0.0004 / -0.0003) days", "0.0527 AU", "0.013 ± 0.012",
                  "70 deg", "1995Natur"):
        assert shown in html.unescape(table), shown
    text = visible(page)
    words = " ".join(re.sub(r"<[^>]+>", "", text).split())  # the star is a link to its page
    assert "orbits 51 Peg" in words and "Radial Velocity" in text and "1995" in text
    assert "344.3667" in text


@pytest.mark.parametrize(("size", "shown"), [
    (0, "0 bytes"), (1, "1 byte"), (999, "999 bytes"), (1000, "1.0 KB"), (5_760, "5.8 KB"),
    (2_500_000, "2.5 MB"), (3 * 10**12, "3.0 TB"), (None, "—"),
])
def test_sizes_in_human_units(size: Any, shown: str) -> None:
    assert human_size(size) == shown


def test_times_and_quantities() -> None:
    assert when("2024-03-02T04:10:00.500000Z") == "2024-03-02 04:10:00 UTC"
    assert when("2024-03-02T04:10:00") == "2024-03-02 04:10:00"
    assert when("not a date") == "not a date" and when(None) == "—"
    assert quantity({"value": 1.5, "unit": "K", "error_max": None, "error_min": None}) == "1.5 K"
    assert quantity({"value": None, "unit": "K"}) == "—"


def django_hash(password: str, salt: str = "NaCl", iterations: int = 1000) -> str:
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), salt.encode(), iterations)
    return f"pbkdf2_sha256${iterations}${salt}${base64.b64encode(digest).decode()}"


def form_token(client: Client, path: str = "/web/sign-in/") -> str:
    """The CSRF token of the form a browser gets at ``path`` (its cookie stays in ``client``)."""
    page = client.get(path, headers={"Accept": "text/html"}).get_data(as_text=True)
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found, page
    return found.group(1)


def test_sign_in_by_password_once_accounts_have_one(app: ArcsecondApp) -> None:
    admin.add_user(app.db, "ada")
    admin.add_user(app.db, "grace")
    client = Client(BrowserSite(app))
    form = client.get("/web/sign-in/", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert 'name="password"' not in form  # no password column yet: keys only
    token = form_token(client)
    refused = client.post("/web/sign-in/", data={"username": "ada", "password": "anything",
                                                 "csrf_token": token})
    assert refused.status_code == 400

    with app.db.write() as conn:  # the column the accounts with a password bring
        conn.execute("ALTER TABLE users ADD COLUMN password TEXT")
        conn.execute("UPDATE users SET password = ? WHERE username = 'ada'",
                     (generate_password_hash("correct horse"),))
        conn.execute("UPDATE users SET password = ? WHERE username = 'grace'",
                     (django_hash("battery staple"),))
    form = client.get("/web/sign-in/", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert 'name="password"' in form
    for username, password in (("ada", "correct horse"), ("grace", "battery staple")):
        wrong = client.post("/web/sign-in/", data={"username": username, "password": "nope",
                                                   "csrf_token": token})
        assert wrong.status_code == 400 and "Set-Cookie" not in wrong.headers
        answer = client.post("/web/sign-in/", data={"username": username, "password": password,
                                                    "csrf_token": token})
        assert answer.status_code == 303, username
        home = client.get("/", headers={"Accept": "text/html"}).get_data(as_text=True)
        assert f"Signed in as <strong>{username}</strong>" in home
        out = client.post("/web/sign-out/", data={"csrf_token": form_token(client, "/web/sign-out/")})
        assert out.status_code == 303
    swapped = client.post("/web/sign-in/", data={"username": "ada", "password": "battery staple",
                                                 "csrf_token": token})
    assert swapped.status_code == 400


def test_a_page_looks_up_a_bounded_number_of_related_names(app: ArcsecondApp) -> None:
    from arcsecond_plugins.server.html_context import MAX_LABELS
    from arcsecond_plugins.server.rest import Identity

    admin.add_user(app.db, "ada")
    client = Client(BrowserSite(app))
    key = admin.user_keys(app.db, "ada")["access_key"]
    headers = {"X-Arcsecond-API-Authorization": f"Key {key}"}
    names = [f"set {i}" for i in range(MAX_LABELS + 5)]
    uuids = [client.post("/datasets/", json={"name": n}, headers=headers).get_json()["uuid"]
             for n in names]
    page = Page(app, Request(EnvironBuilder(path="/datafiles/").get_environ()), Identity("ada", "access"))
    shown = [page.label("dataset", uuid) for uuid in uuids]
    assert shown[:MAX_LABELS] == names[:MAX_LABELS]  # looked up through the API, as ada
    assert shown[MAX_LABELS:] == uuids[MAX_LABELS:]  # past the budget: the identifiers
    assert len(page.labels) == MAX_LABELS
    stranger = Page(app, page.request, Identity("nobody", "access"))
    assert stranger.label("dataset", uuids[0]) == uuids[0]  # another user's names stay hidden
