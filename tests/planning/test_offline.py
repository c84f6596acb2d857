"""Planning never reaches the network, and a date past the bundled tables still works quietly."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

SCRIPT = textwrap.dedent("""
    import datetime as dt, socket, warnings
    def refuse(*args, **kwargs):
        raise AssertionError("network attempt: %r" % (args,))
    socket.socket.connect = refuse
    socket.create_connection = refuse
    socket.getaddrinfo = refuse
    warnings.simplefilter("always")
    from arcsecond_core import planning
    from arcsecond_core.planning.offline import accuracy_note, predictions_end
    site = {"name": "La Silla", "latitude": -29.2567, "longitude": -70.7377, "height": 2400,
            "time_zone": "America/Santiago"}
    far = predictions_end() + dt.timedelta(days=3 * 365)
    for date in (dt.date(2026, 12, 21), far):
        rows = planning.observability(site, date, ["Jupiter", "Moon",
            {"name": "M31", "object": {"equatorial_coordinates":
                {"right_ascension": 10.68, "declination": 41.27}}}], min_altitude=0)
        assert len(rows) == 3 and all(r["transit"] is not None for r in rows), rows
        night = planning.night(site, date)
        assert night["astronomical_dusk"], night
    print(accuracy_note(far))
    print(accuracy_note(dt.date(2026, 12, 21)))
""")


def test_planning_makes_no_network_attempt_and_no_warning(tmp_path):
    env = {**os.environ, "HOME": str(tmp_path), "XDG_CACHE_HOME": str(tmp_path / "cache")}
    for _ in range(2):  # the first run parses the tables, the second reads them from the cache
        proc = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True,
                              timeout=300, env=env)
        assert proc.returncode == 0, proc.stderr
        assert proc.stderr == ""
        lines = proc.stdout.splitlines()
        assert lines[0].startswith("note: ") and "past the bundled Earth-orientation predictions" in lines[0]
        assert lines[1] == "None"
    assert list((tmp_path / "cache" / "arcsecond").glob("iers-*.npz"))
