"""Command names are found exactly, never guessed from a prefix.

``arcsecond dataset del X`` is not ``dataset delete X``: it is an unknown command (exit 2, with
close suggestions), on the command line and in the shell alike. Every registered name (the
commands, the hidden plurals, the older CLI's forms) is still found as itself.
"""

from __future__ import annotations

import pytest

from arcsecond_core.cli.app import ArcsecondApp, close_matches
from arcsecond_core.cli.commandmanager import PluginLoadError
from arcsecond_core.cli.groups import GroupCommands, group_commands
from arcsecond_core.plugin import load_object
from arcsecond_core.plugin_registry import registry
from arcsecond_core.testing_client import ArcsecondClient, make_client


@pytest.fixture(scope="module")
def manager() -> object:
    return ArcsecondApp().command_manager


def test_every_registered_name_of_every_plugin_is_found_as_itself(manager) -> None:
    checked = 0
    for entry in registry().available():
        for name, value in entry.commands.items():
            assert name in manager.commands, name
            try:
                factory, found, rest = manager.find_command([*name.split(), "ARG", "--option"])
            except PluginLoadError:  # found, but its module does not import (the broken plugin)
                assert entry.name == "broken", name
                continue
            assert (found, rest) == (name, ["ARG", "--option"])
            assert factory is load_object(value)
            checked += 1
    assert checked > 80
    assert {"datasets", "runs", "sites", "objects", "fitsfiles", "nightlogs"} <= set(manager.commands)


def proper_prefixes(name: str) -> set[str]:
    """``name`` with one of its words cut short (``dataset del``, ``datas delete``, ``d``...)."""
    words = name.split()
    return {
        " ".join([*words[:index], word[:length]])
        for index, word in enumerate(words)
        for length in range(1, len(word))
    }


def test_no_proper_prefix_of_a_name_runs_a_command(manager) -> None:
    names = set(manager.commands)
    tried = 0
    for name in sorted(names):
        for prefix in sorted(proper_prefixes(name)):
            if prefix in names or group_commands(names, prefix):
                continue  # a command or a group of its own ('dataset' of 'datasets')
            words = prefix.split()
            with pytest.raises(ValueError, match="Unknown command"):
                manager.find_command([*words, "X"])
            with pytest.raises(ValueError, match="Unknown command"):
                manager.find_command(words)
            tried += 1
    assert tried > 500


def test_a_group_alone_lists_and_a_group_with_an_unknown_word_is_unknown(manager) -> None:
    assert manager.find_command(["nightlog"]) == (GroupCommands, "nightlog", [])
    assert manager.find_command(["server", "import", "--help"]) == (GroupCommands, "server import",
                                                                     ["--help"])
    for argv in (["nightlog", "sh", "2026-01-01"], ["nightlog", "2026-01-01"], ["night", "pla"],
                 ["server", "import", "obj"]):
        with pytest.raises(ValueError):
            manager.find_command(argv)


def test_a_plural_alias_keeps_the_words_after_it(manager) -> None:
    factory, name, rest = manager.find_command(["datasets", "read", "X"])
    assert (factory.__name__, name, rest) == ("DatasetsOldForm", "datasets", ["read", "X"])


def test_suggestions_name_the_command_a_prefix_was_short_of(manager) -> None:
    names = [name for name, _ in manager]
    assert close_matches(["dataset", "del", "X"], names)[0] == "dataset delete"
    assert close_matches(["nightlog", "sh", "2026-01-01"], names)[0] == "nightlog show"


# -- end to end: nothing runs, nothing is deleted -------------------------------------------------


@pytest.fixture(scope="module")
def client(arcsecond_server, tmp_path_factory: pytest.TempPathFactory) -> ArcsecondClient:
    return make_client(arcsecond_server, tmp_path_factory.mktemp("prefix-config"))


def assert_unknown(stderr: str, typed: str, suggested: str, prog: str = "arcsecond ") -> None:
    lines = stderr.splitlines()
    assert lines[0].startswith(f"arcsecond: '{typed}' is not an arcsecond command. See '"), stderr
    assert lines[1] == "Did you mean one of these?", stderr
    assert lines[2].strip() == suggested, stderr
    assert "Traceback" not in stderr


def test_a_prefix_of_delete_deletes_nothing(client: ArcsecondClient) -> None:
    dataset = client.api().datasets.create(name="Kept")
    proc = client.run("dataset", "del", dataset["uuid"], "--yes")
    assert (proc.returncode, proc.stdout) == (2, "")
    assert_unknown(proc.stderr, f"dataset del {dataset['uuid']} --yes", "dataset delete")
    assert client.api().datasets.read(dataset["uuid"])["name"] == "Kept"


def test_a_prefix_of_show_is_a_usage_error(client: ArcsecondClient) -> None:
    proc = client.run("nightlog", "sh", "2026-01-01")
    assert (proc.returncode, proc.stdout) == (2, "")
    assert_unknown(proc.stderr, "nightlog sh 2026-01-01", "nightlog show")


def test_the_shell_guesses_no_prefix_either(client: ArcsecondClient) -> None:
    dataset = client.api().datasets.create(name="Kept in the shell")
    proc = client.run(input=f"dataset del {dataset['uuid']} --yes\ndataset show {dataset['uuid']} -f value "
                            "-c name\n")
    assert proc.returncode == 2, proc.stderr
    assert_unknown(proc.stderr, f"dataset del {dataset['uuid']} --yes", "dataset delete")
    assert proc.stdout.splitlines()[-1] == "Kept in the shell"
    assert client.api().datasets.read(dataset["uuid"])["name"] == "Kept in the shell"
