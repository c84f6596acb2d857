"""Every command group is a stevedore plugin of ``arcsecond.plugins`` that can be turned off.

End to end with the real console script: ``plugin list`` shows each first-party plugin as its
own entry; disabling one (config file or environment) removes its commands from ``--help``,
from the shell's completion and from ``ArcsecondAPI``; a plugin whose extra is missing says
which one to install; a third-party plugin registers through the same namespace.
"""

from __future__ import annotations

import json
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest

from arcsecond_core.config import Config
from arcsecond_core.plugin_registry import configured_disabled, disabled_names, registry
from arcsecond_core.testing import arcsecond_script

FIRST_PARTY = {
    "datasets": "dataset list", "datafiles": "datafile list", "nightlogs": "nightlog list",
    "datapackages": "datapackage list", "telescopes": "telescope list",
    "observingsites": "observingsite list", "profiles": "portal list", "upload": "upload",
    "download": "download",
    "server": "server start",
    "targets": "target import", "targetlists": "targetlist add", "nightplans": "nightplan export",
}


def run(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None,
        stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run([arcsecond_script(), *args], capture_output=True, text=True, timeout=60,
                          env=env, cwd=cwd, input=stdin)


@pytest.fixture
def env(isolated_config_dir: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    import os

    monkeypatch.delenv("ARCSECOND_DISABLED_PLUGINS", raising=False)
    return dict(os.environ)


def listed_commands(help_text: str) -> set[str]:
    lines = help_text.split("\nCommands:\n", 1)[1].splitlines()
    return {line[2:].split("  ")[0] for line in lines if line.startswith("  ")}


def test_plugin_list_has_every_first_party_plugin_with_its_state_and_commands(env) -> None:
    proc = run("plugin", "list", "-f", "json", env=env)
    assert proc.returncode == 0, proc.stderr
    rows = {row["plugin"]: row for row in json.loads(proc.stdout)}
    for plugin, command in FIRST_PARTY.items():
        row = rows[plugin]
        assert (row["distribution"], row["state"], row["reason"]) == ("arcsecond-cli", "loaded", "")
        assert command in row["commands"]
    assert rows["core"]["commands"][:2] == ["api add", "api list"]


def test_disabled_in_config_file_hides_commands_from_help_and_refuses_them(env, isolated_config_dir) -> None:
    (isolated_config_dir / "config.ini").write_text("[cli]\ndisabled_plugins = server, datapackages\n")
    help_text = run("--help", env=env).stdout
    commands = listed_commands(help_text)
    assert "dataset list" in commands
    assert not any(c.startswith(("server ", "datapackage ")) for c in commands)
    rows = {row["plugin"]: row for row in json.loads(run("plugin", "list", "-f", "json", env=env).stdout)}
    assert rows["server"]["state"] == rows["datapackages"]["state"] == "disabled"
    assert "disabled_plugins" in rows["server"]["reason"]
    proc = run("server", "demo", "--data-dir", str(isolated_config_dir / "data"), env=env)
    assert proc.returncode == 1
    assert proc.stderr.splitlines() == [
        "arcsecond: 'server demo' comes from plugin 'server', which is disabled (turned off in "
        f"{isolated_config_dir / 'config.ini'} ([cli] disabled_plugins)); see 'arcsecond plugin list'."
    ]
    assert not (isolated_config_dir / "data").exists()


def test_environment_variable_overrides_the_config_and_dependants_follow(env, isolated_config_dir) -> None:
    (isolated_config_dir / "config.ini").write_text("[cli]\ndisabled_plugins = server\n")
    env = {**env, "ARCSECOND_DISABLED_PLUGINS": "datasets"}
    rows = {row["plugin"]: row for row in json.loads(run("plugin", "list", "-f", "json", env=env).stdout)}
    assert rows["server"]["state"] == "loaded"
    assert rows["datasets"]["state"] == "disabled"
    assert rows["upload"]["state"] == "disabled"
    assert rows["upload"]["reason"] == "needs plugin 'datasets', which is disabled"
    commands = listed_commands(run("--help", env=env).stdout)
    assert "server start" in commands and "upload" not in commands and "dataset list" not in commands


def test_disabled_plugins_leave_the_python_api(env) -> None:
    code = (
        "from arcsecond_core import ArcsecondAPI\n"
        "api = ArcsecondAPI(api_server='http://127.0.0.1:9', key='k')\n"
        "print(api.telescopes.path)\n"
        "for name in ('datasets', 'upload'):\n"
        "    try:\n"
        "        getattr(api, name)\n"
        "    except AttributeError as exc:\n"
        "        print(exc)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                          env={**env, "ARCSECOND_DISABLED_PLUGINS": "datasets"})
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0] == "telescopes"
    assert "'datasets' (plugin 'datasets' is disabled: turned off by $ARCSECOND_DISABLED_PLUGINS)" in lines[1]
    assert "(plugin 'upload' is disabled: needs plugin 'datasets'" in lines[2]


def test_disabled_plugins_leave_the_shell_and_its_completion(env, monkeypatch) -> None:
    proc = run(env={**env, "ARCSECOND_DISABLED_PLUGINS": "server"}, stdin="help\nquit\n")
    assert proc.returncode == 0 and "dataset" in proc.stdout and "server" not in proc.stdout
    from tests.core.test_shell import completions, make_shell

    monkeypatch.setenv("ARCSECOND_DISABLED_PLUGINS", "server")
    registry.cache_clear()
    try:
        shell, _out, _err = make_shell()
        assert completions(shell, "serv") == ()
        assert completions(shell, "data") == ("datafile", "datafiles", "datapackage", "datapackages",
                                              "dataset", "datasets")
        monkeypatch.delenv("ARCSECOND_DISABLED_PLUGINS")
        registry.cache_clear()
        shell, _out, _err = make_shell()
        assert completions(shell, "serv") == ("server",)
    finally:
        registry.cache_clear()


def test_a_plugin_missing_its_extra_says_what_to_install(env, tmp_path) -> None:
    # The interpreter cannot import werkzeug (as without the [server] extra).
    code = (
        "import sys; sys.modules['werkzeug'] = None\n"
        "from arcsecond_core.cli.main import main\n"
        "sys.exit(main(sys.argv[1:]))\n"
    )
    args = [sys.executable, "-c", code]
    proc = subprocess.run([*args, "server", "start", "--data-dir", str(tmp_path)],
                          capture_output=True, text=True, timeout=60, env=env)
    assert proc.returncode == 1
    assert proc.stderr.splitlines() == [
        "error: 'server start' needs werkzeug, which is not installed: "
        "pip install 'arcsecond-cli[server]'"
    ]
    rows = {row["plugin"]: row for row in json.loads(subprocess.run(
        [*args, "plugin", "list", "-f", "json"], capture_output=True, text=True, timeout=60, env=env,
    ).stdout)}
    assert rows["server"]["state"] == "needs extra"
    assert rows["server"]["reason"] == "needs: pip install 'arcsecond-cli[server]'"


def example_installed() -> bool:
    try:
        metadata.distribution("arcsecond-plugin-example")
    except metadata.PackageNotFoundError:
        return False
    return True


@pytest.mark.skipif(not example_installed(), reason="install examples/arcsecond-plugin-example")
def test_a_third_party_plugin_registers_in_the_same_namespace(env) -> None:
    entry_points = {ep.name: ep.value for ep in metadata.entry_points(group="arcsecond.plugins")}
    assert entry_points["example"] == "arcsecond_plugin_example.plugin:PLUGIN"
    rows = {row["plugin"]: row for row in json.loads(run("plugin", "list", "-f", "json", env=env).stdout)}
    example = rows["example"]
    assert (example["distribution"], example["state"]) == ("arcsecond-plugin-example", "loaded")
    assert "dataset stats" in example["commands"]
    assert "dataset stats" in listed_commands(run("--help", env=env).stdout)
    env = {**env, "ARCSECOND_DISABLED_PLUGINS": "example"}
    assert "dataset stats" not in listed_commands(run("--help", env=env).stdout)
    assert "--size-unit" not in run("--help", env=env).stdout


def test_config_reads_the_disabled_list(isolated_config_dir) -> None:
    (isolated_config_dir / "config.ini").write_text("[cli]\ndisabled_plugins = a,b  c\n")
    config = Config()
    assert config.cli_value("disabled_plugins") == "a,b  c"
    assert configured_disabled(config) == {"a", "b", "c"}
    assert disabled_names()[0] == {"a", "b", "c"}
