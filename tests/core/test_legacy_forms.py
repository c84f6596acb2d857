"""The older command forms translate to the modern commands word for word (no server needed)."""

from __future__ import annotations

import argparse
from typing import Any

import pytest
from arcsecond_plugins.datasets.legacy import DatasetsOldForm
from arcsecond_plugins.exoplanets.commands import ExoplanetsOldForm
from arcsecond_plugins.objects.commands import ObjectsOldForm
from arcsecond_plugins.telescopes.legacy import TelescopesOldForm

from arcsecond_core.cli.legacy import (
    LegacyDataFiles,
    LegacyNamed,
    LegacyPlural,
    PassThroughParser,
    add_hidden_options,
    replacement_hint,
)
from arcsecond_core.errors import UsageError

UUID = "2f1e3b0c-3d3a-4a36-9d4f-4d1b2a0f9e11"


def translate(cls: type, words: list[str], cmd_name: str | None = None) -> list[str]:
    command = cls(None, None)
    command.old_name = cmd_name or command.old_name  # the name cliff would pass
    return command.translate(words)


@pytest.mark.parametrize("words,expected", [
    ([], ["dataset", "list"]),
    (["-f", "json"], ["dataset", "list", "-f", "json"]),
    (["list"], ["dataset", "list"]),
    (["read"], ["dataset", "list"]),
    (["read", UUID], ["dataset", "show", UUID]),
    ([UUID, "-f", "json"], ["dataset", "show", UUID, "-f", "json"]),
    (["create", "--name", "N"], ["dataset", "create", "--name", "N"]),
    (["update", UUID, "--name", "N"], ["dataset", "update", UUID, "--name", "N"]),
    (["delete", UUID], ["dataset", "delete", UUID, "--yes"]),
    (["delete", UUID, "--yes"], ["dataset", "delete", UUID, "--yes"]),
])
def test_datasets(words: list[str], expected: list[str]) -> None:
    assert translate(DatasetsOldForm, words) == expected


def test_read_only_plurals_refuse_writes_naming_the_noun() -> None:
    assert translate(TelescopesOldForm, ["read", UUID]) == ["telescope", "show", UUID]
    with pytest.raises(UsageError, match="'telescopes' has no 'create' any more: see "
                                         "'arcsecond telescope --help'"):
        translate(TelescopesOldForm, ["create", "--name", "x"], "telescopes")


def test_every_old_delete_is_told_yes() -> None:
    class Logs(LegacyPlural):
        noun = "nightlog"

    assert translate(Logs, ["delete", UUID]) == ["nightlog", "delete", UUID, "--yes"]
    assert translate(Logs, ["delete", UUID, "-y"]) == ["nightlog", "delete", UUID, "-y"]


@pytest.mark.parametrize("cls,words,expected", [
    (ObjectsOldForm, ["HD 5980", "--open"], ["object", "show", "HD 5980", "--open"]),
    (ObjectsOldForm, ["HD", "5980", "-f", "json"], ["object", "show", "HD 5980", "-f", "json"]),
    (ObjectsOldForm, ["read", "M31"], ["object", "show", "M31"]),
    (ExoplanetsOldForm, ["51", "Peg", "b"], ["exoplanet", "show", "51 Peg b"]),
    (ExoplanetsOldForm, [], ["exoplanet", "list"]),
])
def test_named(cls: type, words: list[str], expected: list[str]) -> None:
    assert translate(cls, words) == expected


def test_objects_without_a_name_names_the_new_command() -> None:
    with pytest.raises(UsageError, match=r"'objects' is now 'object' \(arcsecond object --help\)"):
        translate(ObjectsOldForm, [], "objects")


class FitsFiles(LegacyDataFiles):
    pass


@pytest.mark.parametrize("words,expected", [
    (["D"], ["datafile", "list", "--dataset", "D"]),
    (["D", "read"], ["datafile", "list", "--dataset", "D"]),
    (["D", "list", "-f", "json"], ["datafile", "list", "--dataset", "D", "-f", "json"]),
    (["D", "read", "42"], ["datafile", "show", "42"]),
    (["D", "create", "--file", "a.fits"], ["datafile", "create", "--dataset", "D", "--file",
                                           "a.fits"]),
    (["D", "delete", "42"], ["datafile", "delete", "42", "--yes"]),
    ([], ["datafile", "list"]),
])
def test_data_files(words: list[str], expected: list[str]) -> None:
    assert translate(FitsFiles, words, "fitsfiles") == expected


@pytest.mark.parametrize("words", [["D", "frobnicate"], ["D", "upload", "x"]])
def test_data_files_malformed(words: list[str]) -> None:
    with pytest.raises(UsageError, match=r"^'fitsfiles' is now 'datafile' \(arcsecond datafile "
                                         r"--help\)$"):
        translate(FitsFiles, words, "fitsfiles")


def test_replacement_hints() -> None:
    assert replacement_hint("o") == "'o' is now 'object show' (arcsecond object --help)"
    assert replacement_hint("findingcharts") == ("'findingcharts' is no longer available "
                                                 "(see 'arcsecond --help')")
    assert replacement_hint("dataset") is None


def test_pass_through_keeps_every_word(capsys: Any) -> None:
    parser = PassThroughParser(prog="x")
    parser.add_argument("words", nargs="*")
    words = ["create", "--name", "N", "-f", "json"]
    assert parser.parse_args(words).words == words
    with pytest.raises(SystemExit) as exit_info:
        parser.parse_args(["--help"])
    assert exit_info.value.code == 0 and "usage: x" in capsys.readouterr().out


def test_hidden_options_are_accepted_and_not_shown() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--target-name", dest="target_name")
    add_hidden_options(parser, {"--target_name": "target_name"})
    assert parser.parse_args(["--target_name", "M31"]).target_name == "M31"
    assert "--target_name" not in parser.format_help()


def test_every_alias_is_hidden() -> None:
    for cls in (DatasetsOldForm, ObjectsOldForm, ExoplanetsOldForm, TelescopesOldForm,
                LegacyNamed, LegacyDataFiles):
        assert cls.hidden
