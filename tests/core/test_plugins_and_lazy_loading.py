"""Commands come from plugins found with stevedore; their modules are imported only when needed;
a broken plugin costs one warning line and nothing else."""

from __future__ import annotations

import json
import subprocess
import sys
from importlib import metadata

import pytest

from arcsecond_core.testing_client import ArcsecondClient

BROKEN_DISTRIBUTION = "arcsecond-broken-plugin"


def imported_after(argv: list[str]) -> tuple[int, list[str]]:
    """Run ``arcsecond ARGV`` in a fresh interpreter; its exit code and the project modules it imported."""
    code = (
        "import json, sys\n"
        "from arcsecond_core.cli.main import main\n"
        f"status = main({argv!r})\n"
        "mods = sorted(m for m in sys.modules if m.startswith(('arcsecond_plugins', 'arcsecond_core')))\n"
        "print('\\n' + json.dumps([status, mods]))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    status, modules = json.loads(proc.stdout.strip().splitlines()[-1])
    return status, modules


def plugin_modules(modules: list[str]) -> list[str]:
    """The plugin modules imported beyond the plugin objects (``arcsecond_plugins.X.plugin``)
    and their packages, which stevedore loads on every run."""
    return [m for m in modules if m.startswith("arcsecond_plugins.")
            and len(m.split(".")) > 2 and not m.endswith(".plugin")]


def test_version_imports_no_plugin_and_no_http_stack() -> None:
    status, modules = imported_after(["--version"])
    assert status == 0
    assert plugin_modules(modules) == []
    assert "arcsecond_core.session" not in modules and "arcsecond_core.cli.shell" not in modules


def test_a_core_command_imports_no_plugin() -> None:
    status, modules = imported_after(["api", "list"])
    assert status == 0
    assert plugin_modules(modules) == []
    assert "arcsecond_core.cli.servers" in modules and "arcsecond_core.cli.identity" not in modules


def test_a_plugin_command_imports_only_its_plugin(tmp_path) -> None:
    status, modules = imported_after(["server", "adduser", "lazy", "--data-dir", str(tmp_path), "-f", "json"])
    assert status == 0
    assert plugin_modules(modules)
    assert {m.split(".")[1] for m in plugin_modules(modules)} == {"server"}


def test_dataset_list_imports_only_the_dataset_plugin(arcsecond_client: ArcsecondClient) -> None:
    code = (
        "import json, sys\n"
        "from arcsecond_core.cli.main import main\n"
        "status = main(['dataset', 'list', '-f', 'json'])\n"
        "mods = sorted(m for m in sys.modules if m.startswith('arcsecond_plugins.')"
        " and m.count('.') > 1 and not m.endswith('.plugin'))\n"
        "print('\\n' + json.dumps([status, mods]))\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, env=arcsecond_client.env
    )
    status, modules = json.loads(proc.stdout.strip().splitlines()[-1])
    assert status == 0, proc.stderr
    assert proc.stdout.lstrip().startswith("[]")
    assert {m.split(".")[1] for m in modules} == {"datasets"}


def broken_plugin_installed() -> bool:
    try:
        metadata.distribution(BROKEN_DISTRIBUTION)
    except metadata.PackageNotFoundError:
        return False
    return True


requires_broken_plugin = pytest.mark.skipif(
    not broken_plugin_installed(),
    reason="install tests/fixtures/broken-plugin (the README's test command does)",
)


@requires_broken_plugin
def test_help_warns_once_about_a_broken_plugin_and_lists_the_rest(arcsecond_client: ArcsecondClient) -> None:
    proc = arcsecond_client.run("--help")
    assert proc.returncode == 0
    warnings = [line for line in proc.stderr.splitlines() if line.startswith("warning:")]
    assert warnings == [
        f"warning: plugin 'broken' ({BROKEN_DISTRIBUTION} 0.0.1) failed to load: "
        "AssertionError: this plugin is broken on purpose; its commands are unavailable"
    ]
    assert "  whoami " in proc.stdout and "broken hello" not in proc.stdout


@requires_broken_plugin
def test_other_commands_work_and_the_broken_one_fails_in_one_line(arcsecond_client: ArcsecondClient) -> None:
    proc = arcsecond_client.run("whoami", "-f", "value", "-c", "username")
    assert (proc.returncode, proc.stdout.strip(), proc.stderr) == (0, arcsecond_client.username, "")
    proc = arcsecond_client.run("broken", "hello")
    assert proc.returncode == 1
    assert proc.stderr.strip().splitlines() == [
        f"error: plugin 'broken' ({BROKEN_DISTRIBUTION} 0.0.1) failed to load: "
        "AssertionError: this plugin is broken on purpose"
    ]


@requires_broken_plugin
def test_plugin_list_shows_versions_commands_and_failures(arcsecond_client: ArcsecondClient) -> None:
    rows = {row["plugin"]: row for row in arcsecond_client.json("plugin", "list")}
    assert rows["core"]["state"] == "loaded" and "whoami" in rows["core"]["commands"]
    assert rows["server"]["distribution"] == "arcsecond-cli" and "server start" in rows["server"]["commands"]
    broken = rows["broken"]
    assert (broken["distribution"], broken["version"]) == (BROKEN_DISTRIBUTION, "0.0.1")
    assert broken["state"] == "failed" and broken["commands"] == ["broken hello"]
    assert broken["reason"] == "AssertionError: this plugin is broken on purpose"


@pytest.mark.parametrize("argv", [["--help"], ["night", "explore", "--help"], ["night", "plan", "--help"]])
def test_night_commands_import_astropy_only_when_they_run(argv: list[str]) -> None:
    """astropy.coordinates is slow to import: help, even the night commands' own, does without it."""
    code = (
        "import json, sys\n"
        "from arcsecond_core.cli.main import main\n"
        f"try:\n    main({argv!r})\nexcept SystemExit:\n    pass\n"
        "mods = sorted(m for m in sys.modules if m.startswith(('astropy.coordinates', 'numpy',"
        " 'arcsecond_core.planning.', 'matplotlib', 'plotille')))\n"
        "print('\\n' + json.dumps(mods))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert json.loads(proc.stdout.strip().splitlines()[-1]) == [], proc.stderr
