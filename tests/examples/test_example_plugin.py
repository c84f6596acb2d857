"""The example third-party plugin, installed in the test environment, run end to end.

It lives in ``examples/arcsecond-plugin-example`` as a distribution of its own; the README's test
command installs it. Its commands run through the real ``arcsecond`` console script against the
embedded server.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from importlib import metadata
from pathlib import Path

import pytest

from arcsecond_core.testing_client import ArcsecondClient
from tests.api.files import write_fits, write_text

pytestmark = pytest.mark.e2e

EXAMPLE_DIR = Path(__file__).resolve().parents[2] / "examples" / "arcsecond-plugin-example"
EXAMPLE_DIST = "arcsecond-plugin-example"


@pytest.fixture(scope="module", autouse=True)
def example_installed() -> None:
    try:
        metadata.distribution(EXAMPLE_DIST)
    except metadata.PackageNotFoundError:
        pytest.fail(
            f"{EXAMPLE_DIST} is not installed: pip install -e {EXAMPLE_DIR} (see the README's "
            "test command)",
            pytrace=False,
        )


@pytest.fixture
def night(arcsecond_client: ArcsecondClient, tmp_path: Path) -> dict:
    """A dataset with FITS files from two nights (one a calibration) and a text file."""
    api = arcsecond_client.api()
    dataset = api.datasets.create(name="M42 night")
    for name, cards in (
        ("m42-1.fits", {"OBJECT": "M42", "FILTER": "R", "DATE_OBS": "2025-01-10T21:00:00"}),
        ("m42-2.fits", {"OBJECT": "M42", "FILTER": "V", "DATE_OBS": "2025-01-11T02:00:00"}),
        ("flat.fits", {"IMAGETYP": "Flat Field", "DATE_OBS": "2025-01-12T05:00:00"}),
    ):
        api.datafiles.upload(write_fits(tmp_path / name, **cards), dataset["uuid"])
    api.datafiles.upload(write_text(tmp_path / "log.txt", "clear sky\n"), dataset["uuid"])
    return dataset


def test_plugin_list_shows_it_beside_first_party_plugins(arcsecond_client: ArcsecondClient) -> None:
    proc = arcsecond_client.run("plugin", "list", "-f", "json")
    assert proc.returncode == 0, proc.stderr
    plugins = {row["plugin"]: row for row in json.loads(proc.stdout)}
    example = plugins["example"]
    assert example["distribution"] == EXAMPLE_DIST
    assert example["version"] == metadata.version(EXAMPLE_DIST)
    assert example["state"] == "loaded"
    assert set(example["commands"]) == {
        "dataset stats", "example observation list", "example observation show",
        "example calibration list", "example calibration show",
    }
    first_party = {
        ep.name for ep in metadata.entry_points(group="arcsecond.plugins")
        if ep.module.startswith("arcsecond_plugins.")
    } | {"core"}
    assert {"core", "server", "upload", "datasets"} <= first_party
    for name in first_party:
        assert (plugins[name]["distribution"], plugins[name]["state"]) == ("arcsecond-cli", "loaded")


def test_help_lists_its_commands_and_global_option(arcsecond_client: ArcsecondClient) -> None:
    proc = arcsecond_client.run("--help", check=True)
    assert "--size-unit" in proc.stdout
    assert "dataset stats" in proc.stdout
    assert "Count the files and bytes of a dataset per file type and per night log" in proc.stdout
    command_help = arcsecond_client.run("help", "dataset", "stats", check=True).stdout
    assert "usage: arcsecond dataset stats" in command_help
    assert "DATASET" in command_help and "--portal" in command_help


def test_command_help_option_shows_the_command_help(arcsecond_client: ArcsecondClient) -> None:
    """``arcsecond COMMAND --help`` (which ``arcsecond --help`` advertises) documents COMMAND."""
    proc = arcsecond_client.run("dataset", "stats", "--help")
    assert proc.returncode == 0
    assert "usage: arcsecond dataset stats" in proc.stdout


def test_dataset_stats(arcsecond_client: ArcsecondClient, night: dict) -> None:
    rows = arcsecond_client.json("dataset", "stats", "M42 night")
    counts = {(row["group"], row["key"]): (row["files"], row["bytes"]) for row in rows}
    files = list(arcsecond_client.api().datafiles.list(dataset=night["uuid"]))
    fits_bytes = sum(f["size"] for f in files if f["file_type"] == "fits")
    assert counts["file_type", "fits"] == (3, fits_bytes)
    assert counts["file_type", "other"] == (1, len("clear sky\n"))
    assert counts["night_log", "2025-01-10"][0] == 2
    assert counts["night_log", "2025-01-11"][0] == 1
    assert counts["night_log", None][0] == 1
    assert counts["total", "M42 night"] == (4, sum(f["size"] for f in files))
    by_uuid = arcsecond_client.json("dataset", "stats", night["uuid"])
    assert by_uuid == rows


def test_dataset_stats_with_the_global_option(arcsecond_client: ArcsecondClient, night: dict) -> None:
    rows = arcsecond_client.json("--size-unit", "kB", "dataset", "stats", "M42 night", "--by",
                                 "night_log")
    assert {row["group"] for row in rows} == {"night_log", "total"}
    total = rows[-1]
    assert total["size"] == f"{total['bytes'] / 1000:.2f} kB"
    from_env = arcsecond_client.json("dataset", "stats", "M42 night",
                                     env={"ARCSECOND_SIZE_UNIT": "MiB"})
    assert from_env[-1]["size"].endswith(" MiB")


def test_dataset_stats_errors(arcsecond_client: ArcsecondClient) -> None:
    missing = arcsecond_client.run("dataset", "stats", "no such dataset")
    assert missing.returncode == 1
    assert missing.stderr.strip() == "error: no dataset named 'no such dataset'"
    bad_unit = arcsecond_client.run("--size-unit", "parsec", "dataset", "stats", "x")
    assert bad_unit.returncode == 2
    assert "invalid choice: 'parsec'" in bad_unit.stderr


def test_dataset_stats_in_a_portal(arcsecond_server, arcsecond_client: ArcsecondClient,
                                   tmp_path: Path) -> None:
    portal = f"ex-{arcsecond_client.username[-8:]}"
    arcsecond_server.admin("addportal", portal, "--member", f"{arcsecond_client.username}:member")
    api = arcsecond_client.api(portal)
    dataset = api.datasets.create(name="Shared")
    api.datafiles.upload(write_text(tmp_path / "a.txt", "abc"), dataset["uuid"])
    rows = arcsecond_client.json("dataset", "stats", "Shared", "--portal", portal)
    assert rows[-1] == {"group": "total", "key": "Shared", "files": 1, "bytes": 3}
    assert arcsecond_client.run("dataset", "stats", "Shared").returncode == 1


def test_observation_and_calibration_commands(arcsecond_client: ArcsecondClient, night: dict) -> None:
    observations = arcsecond_client.json("example", "observation", "list",
                                         "--night-log", "2025-01-10")
    assert sorted(o["filter"] for o in observations) == ["R", "V"]
    one = arcsecond_client.json("example", "observation", "show", str(observations[0]["id"]))
    assert one["target_name"] == "M42"
    calibrations = arcsecond_client.json("example", "calibration", "list")
    assert [c["kind"] for c in calibrations] == ["flat"]
    table = arcsecond_client.run("example", "calibration", "list", check=True).stdout
    assert "| flat" in table


def test_python_module_sees_the_declared_resources(arcsecond_client: ArcsecondClient,
                                                   night: dict) -> None:
    api = arcsecond_client.api()
    assert len(list(api.example_observations.list())) == 2
    flat = next(api.example_calibrations.list())
    assert api.example_calibrations.read(flat["id"]) == flat


PLUGIN_SOURCE = "from arcsecond_core.plugin import Plugin\nPLUGIN = Plugin({name!r}, {fields})\n"


def fake_distribution(site: Path, name: str, module_source: str, entry_points: str) -> None:
    """Make ``site`` hold an installed distribution (its dist-info and one module)."""
    dist_info = site / f"{name}-0.1.dist-info"
    dist_info.mkdir(parents=True)
    (dist_info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 0.1\n")
    (dist_info / "entry_points.txt").write_text(textwrap.dedent(entry_points))
    (site / f"{name}.py").write_text(textwrap.dedent(module_source))


@pytest.mark.parametrize(
    ("source", "error"),
    [
        ("raise AssertionError('broken on purpose')\n", "AssertionError: broken on purpose"),
        (
            "def add(parser):\n    parser.add_argument('--api')\n",
            "ArgumentError: argument --api: conflicting option string: --api",
        ),
    ],
    ids=["import-fails", "option-conflicts"],
)
def test_a_broken_global_option_costs_one_warning_line(
    arcsecond_client: ArcsecondClient, night: dict, tmp_path: Path, source: str, error: str
) -> None:
    site = tmp_path / "site"
    fake_distribution(site, "brokenopts", PLUGIN_SOURCE.format(
        name="brokenopts", fields="global_options='brokenopts_options:add'"),
        "[arcsecond.plugins]\nbrokenopts = brokenopts:PLUGIN\n")
    (site / "brokenopts_options.py").write_text(source)
    env = {"PYTHONPATH": os.pathsep.join(filter(None, [str(site), os.environ.get("PYTHONPATH")]))}
    version = arcsecond_client.run("--version", env=env)
    assert version.returncode == 0
    assert version.stdout.startswith("arcsecond ")
    warnings = [line for line in version.stderr.splitlines() if "brokenopts" in line]
    assert len(warnings) == 1
    assert warnings[0].startswith(
        "warning: global options of plugin 'brokenopts' (brokenopts_options:add) failed")
    assert error in warnings[0]
    rows = arcsecond_client.json("--size-unit", "B", "dataset", "stats", "M42 night", env=env)
    assert rows[-1]["files"] == 4


def test_the_example_plugin_own_tests_pass() -> None:
    """The plugin author's workflow: ``pytest`` in the plugin's folder, fixtures from the core."""
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
        cwd=EXAMPLE_DIR, capture_output=True, text=True, timeout=600,
        env={k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")},
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert " passed" in proc.stdout


def test_resource_declarations_that_fail_or_clash_are_ignored(arcsecond_client: ArcsecondClient,
                                                              night: dict, tmp_path: Path) -> None:
    site = tmp_path / "site"
    fake_distribution(site, "fakeresources", """\
        from arcsecond_core.plugin import Plugin, ResourceSpec

        PLUGIN = Plugin("fakeresources", resources={
            "frames": ResourceSpec("observations", id_field="id", name_field=None),
            "datasets": ResourceSpec("telescopes"),
        })
        NOT_A_PLUGIN = Plugin
        """, """\
        [arcsecond.plugins]
        fakeresources = fakeresources:PLUGIN
        missing = fakeresources_missing:PLUGIN
        text = fakeresources:NOT_A_PLUGIN
        """)
    script = textwrap.dedent("""\
        import sys
        from arcsecond_core.api import ArcsecondAPI

        api = ArcsecondAPI(api_server=sys.argv[1], key=sys.argv[2])
        print(len(list(api.frames.list())), api.datasets.path, api.datasets.find("M42 night")["name"])
        """)
    env = {**arcsecond_client.env, "PYTHONPATH": str(site)}
    proc = subprocess.run([sys.executable, "-c", script, arcsecond_client.url,
                           arcsecond_client.access_key],
                          capture_output=True, text=True, timeout=60, env=env)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == ["2 datasets M42 night"]
    # Each plugin that fails costs one warning line, once.
    assert proc.stderr.splitlines() == [
        "plugin 'missing' (fakeresources_missing:PLUGIN) failed to load: "
        "ModuleNotFoundError: No module named 'fakeresources_missing'",
        "plugin 'text' (fakeresources:NOT_A_PLUGIN) failed to load: "
        "fakeresources:NOT_A_PLUGIN is not an arcsecond_core.plugin.Plugin",
    ]
