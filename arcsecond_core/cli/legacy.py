"""The older CLI's command forms, kept as hidden aliases that run the modern command.

``arcsecond datasets read UUID`` runs ``arcsecond dataset show UUID``; ``arcsecond fitsfiles
DATASET create --file PATH`` runs ``arcsecond datafile create --dataset DATASET --file PATH``;
``arcsecond objects HD 5980 --open`` runs ``arcsecond object show "HD 5980" --open``. Commands
that are gone name their replacement instead of a bare "not an arcsecond command".
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import Any, ClassVar

from arcsecond_core.cli.base import ArcsecondCommand
from arcsecond_core.errors import UsageError

#: Older commands with no alias of their own -> what to run now.
REPLACED = {
    "o": "object show",
    "e": "exoplanet show",
    "profiles": "profile show",
    "organisations": "portal list",
    "uploadkeys": "whoami",
    "members": "portal member list",
    "findingcharts": None,
}
VERBS = ("read", "list", "create", "update", "delete")


def replacement_hint(word: str) -> str | None:
    """One line naming what replaced the older command ``word``, or None if it is not one."""
    if word not in REPLACED:
        return None
    new = REPLACED[word]
    if new is None:
        return f"'{word}' is no longer available (see 'arcsecond --help')"
    return f"'{word}' is now '{new}' (arcsecond {new.split()[0]} --help)"


class PassThroughParser(argparse.ArgumentParser):
    """Keeps every word as given (options included) for the modern command to parse."""

    def parse_args(self, args: Sequence[str] | None = None,  # type: ignore[override]
                   namespace: Any = None) -> argparse.Namespace:
        words = list(args or [])
        if words[:1] in (["-h"], ["--help"]):
            self.print_help()
            self.exit(0)
        return argparse.Namespace(words=words)


def _split(words: list[str]) -> tuple[list[str], list[str]]:
    """The leading positional words, and the rest (from the first option on)."""
    for index, word in enumerate(words):
        if word.startswith("-"):
            return words[:index], words[index:]
    return words, []


class LegacyCommand(ArcsecondCommand):
    """Base of the hidden aliases: translate the older words, then run the modern command."""

    hidden = True
    #: The modern noun, e.g. ``dataset``.
    noun: ClassVar[str] = ""

    def __init__(self, app: Any, app_args: Any, cmd_name: str | None = None) -> None:
        super().__init__(app, app_args, cmd_name)
        self.old_name = cmd_name or self.noun

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = PassThroughParser(
            prog=prog_name, add_help=False,
            description=f"Older form of 'arcsecond {self.noun}' (see 'arcsecond {self.noun} --help').",
        )
        parser.add_argument("words", nargs="*", help="The older command's arguments.")
        return parser

    def moved(self) -> UsageError:
        return UsageError(f"'{self.old_name}' is now '{self.noun}' (arcsecond {self.noun} --help)")

    def translate(self, words: list[str]) -> list[str]:
        raise NotImplementedError

    def take_action(self, parsed_args: argparse.Namespace) -> int:
        return self.app.run_subcommand(self.translate(list(parsed_args.words)))


class LegacyPlural(LegacyCommand):
    """``PLURAL [read [ID]|list|create ...|update ID ...|delete ID]`` (or ``PLURAL ID``)."""

    #: The modern verbs this noun has.
    verbs: ClassVar[tuple[str, ...]] = ("list", "show", "create", "update", "delete")

    def translate(self, words: list[str]) -> list[str]:
        positional, options = _split(words)
        if not positional:
            return self._modern("list", options)
        verb, rest = positional[0], positional[1:]
        if verb not in VERBS:  # ``datasets UUID``: the older detail form
            return self._modern("show", positional + options)
        if verb == "read":
            return self._modern("show" if rest else "list", rest + options)
        if verb == "delete":
            options = _without_asking(options)
        return self._modern(verb, rest + options)

    def _modern(self, verb: str, words: list[str]) -> list[str]:
        if verb not in self.verbs:
            raise UsageError(f"'{self.old_name}' has no '{verb}' any more: see "
                             f"'arcsecond {self.noun} --help'")
        return [self.noun, verb, *words]


class LegacyNamed(LegacyCommand):
    """``PLURAL NAME WORDS... [options]``: a name of several words, shown (or a list without one)."""

    #: Without a name: list (True) or refuse (False).
    lists_without_name: ClassVar[bool] = False

    def translate(self, words: list[str]) -> list[str]:
        positional, options = _split(words)
        if positional[:1] == ["read"]:
            positional = positional[1:]
        if not positional:
            if self.lists_without_name:
                return [self.noun, "list", *options]
            raise self.moved()
        return [self.noun, "show", " ".join(positional), *options]


class LegacyDataFiles(LegacyCommand):
    """``fitsfiles|datafiles DATASET [read [ID]|list|create --file PATH|delete ID]``; alone, a
    list of every data file."""

    noun = "datafile"

    def translate(self, words: list[str]) -> list[str]:
        positional, options = _split(words)
        if not positional:  # the bare plural lists, like the other plurals
            return [self.noun, "list", *options]
        dataset, verb, rest = positional[0], (positional[1:2] or ["list"])[0], positional[2:]
        if verb in ("list", "read") and not rest:
            return [self.noun, "list", "--dataset", dataset, *options]
        if verb == "read":
            return [self.noun, "show", *rest, *options]
        if verb == "create":
            return [self.noun, "create", "--dataset", dataset, *rest, *options]
        if verb == "update":
            return [self.noun, "update", *rest, *options]
        if verb == "delete":
            return [self.noun, "delete", *rest, *_without_asking(options)]
        raise self.moved()


def _without_asking(options: list[str]) -> list[str]:
    """The older deletes never asked: the modern one is told ``--yes``."""
    return options if {"-y", "--yes"} & set(options) else [*options, "--yes"]


def add_hidden_options(parser: argparse.ArgumentParser, aliases: dict[str, str]) -> None:
    """Older spellings of options (``--observing_site``), accepted but left out of ``--help``."""
    for flag, dest in aliases.items():
        parser.add_argument(flag, dest=dest, default=None, help=argparse.SUPPRESS)
