"""In-process fuzz of targets, target lists and night plans: odd bodies are 4xx, never 5xx."""

from __future__ import annotations

import random
import uuid
from pathlib import Path
from typing import Any

from arcsecond_plugins.server import admin
from arcsecond_plugins.server.app import ArcsecondApp
from werkzeug.test import Client

REQUESTS = 600
DATES = ("", "x", "2026-02-30", "2026-03-10", "\u00e9")
ODD = ["", " ", "x", None, True, 0, -1, 1e308, float("inf"), "NaN", [], {}, [1, "a"], {"a": 1},
       "\u00e9\u4e2d", "\x00", "2026-02-30", "2026-03-10", "2026-03-10T25:00:00Z", 2**70,
       "M31", "Jupiter", "Nowhere", "AstronomicalObject", "Comet", str(uuid.uuid4())]


def odd(r: random.Random, known: dict[str, list[Any]]) -> Any:
    choice = r.random()
    if choice < 0.2 and known["targets"]:
        return r.choice(known["targets"])
    if choice < 0.3:
        return {"right_ascension": r.choice([10, -1, 400, "1", None]),
                "declination": r.choice([10, 95, "x", None])}
    if choice < 0.45:
        return [{"target": r.choice([*known["targets"], *ODD]),
                 "start": r.choice(["2026-03-10T23:00:00Z", "2026-03-11T00:00:00", *ODD]),
                 "end": r.choice(["2026-03-11T00:00:00Z", "2026-03-11T01:00:00+02:00", *ODD]),
                 "altitude_start": r.choice([30, 100, "x", None]),
                 "exposure_time": r.choice([60, -5, None, "long"])}
                for _ in range(r.randint(0, 3))]
    return r.choice(ODD)


def valid(resource: str, r: random.Random) -> dict[str, Any]:
    if resource == "targets":
        return {"name": f"T{r.randint(0, 10**6)}",
                "coordinates": {"right_ascension": 10.0, "declination": -20.0}}
    if resource == "targetlists":
        return {"name": f"L{r.randint(0, 10**6)}"}
    return {"date": "2026-03-10"}


def test_no_5xx(tmp_path: Path) -> None:
    app = ArcsecondApp(tmp_path)
    db = app.db
    key = admin.add_user(db, "fuzzer")["access_key"]
    client = Client(app)
    headers = {"X-Arcsecond-API-Authorization": f"Key {key}"}
    r = random.Random(19)
    known: dict[str, list[Any]] = {"targets": [], "targetlists": [], "nightplans": []}
    fields = ("name", "coordinates", "target_class", "tags", "color", "notes", "targets", "date",
              "slots", "constraints", "telescope", "observing_site", "targetlist", "mode")
    statuses: dict[int, int] = {}
    try:
        for _ in range(REQUESTS):
            resource = r.choice(list(known))
            method = r.choice(["GET", "POST", "POST", "PATCH", "DELETE"])
            ids = known[resource]
            path = f"/{resource}/"
            if method != "POST" and ids and r.random() < 0.8:
                path += f"{r.choice(ids)}/"
            body = {name: odd(r, known) for name in r.sample(fields, r.randint(0, 3))}
            if method == "POST" and r.random() < 0.6:  # a valid body, then odd fields
                body = {**valid(resource, r), **(body if r.random() < 0.4 else {})}
            query = ({"date": r.choice(DATES)} if method == "GET" and r.random() < 0.3
                     else None)
            answer = client.open(path, method=method, json=body, headers=headers,
                                 query_string=query)
            statuses[answer.status_code] = statuses.get(answer.status_code, 0) + 1
            assert answer.status_code < 500, (method, path, body, answer.get_data(as_text=True))
            if method == "POST" and answer.status_code == 201:
                data = answer.get_json()
                ids.append(data.get("id", data.get("uuid")))
    finally:
        app.close()
    assert statuses.get(201, 0) > 10 and statuses.get(400, 0) > 100, statuses
