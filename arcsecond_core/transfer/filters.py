"""``--exclude``, ``--include`` and ``--exclude-from``: gitignore-like rules on relative paths.

Each rule is a line of ``.gitignore`` (``*.txt``, ``focus/*``, ``**/tmp/*``, ``tmp/``,
``/top.txt``), matched by :mod:`pathspec` against the path relative to the folder given
(``night/focus/a.fits``) and against each folder on the way (so ``focus/*`` and ``tmp/`` take
everything below). The rules are read in the order given and the last one that matches decides:
``--include`` is a negation (``!pattern``) and can take back a file an earlier ``--exclude``
left aside, even inside an excluded folder. When the first rule is an ``--include``, a path no
rule matches is left aside: ``--include '*.fits'`` alone sends FITS files only.
"""

from __future__ import annotations

import argparse
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from arcsecond_core.errors import UsageError

EXCLUDE, INCLUDE = "exclude", "include"
#: The rule of a path left aside because no --include took it.
NOT_INCLUDED = "not matched by any --include"


@dataclass(frozen=True)
class Rule:
    """One pattern, whether it excludes or includes, and where it was given (for the summary)."""

    kind: str
    pattern: str
    origin: str = ""

    @property
    def label(self) -> str:
        return self.origin or f"--{self.kind} {self.pattern!r}"

    def as_gitignore(self) -> str:
        pattern = self.pattern
        if self.kind == EXCLUDE and pattern.startswith(("!", "#")):
            pattern = "\\" + pattern  # a literal ! or # in an --exclude, not git's syntax
        return ("!" + pattern) if self.kind == INCLUDE else pattern


def read_rules(path: str | Path) -> list[Rule]:
    """The rules of an ``--exclude-from`` file: one pattern a line, ``!pattern`` includes,
    blank lines and lines starting with ``#`` are skipped."""
    try:
        text = Path(path).expanduser().read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise UsageError(f"cannot read --exclude-from {str(path)!r}: {reason}") from exc
    rules = []
    for number, line in enumerate(text.splitlines(), 1):
        pattern = line.rstrip()
        if not pattern.strip() or pattern.lstrip().startswith("#"):
            continue
        kind = EXCLUDE
        if pattern.startswith("!"):
            kind, pattern = INCLUDE, pattern[1:]
        rules.append(Rule(kind, pattern, f"{path} line {number} ({line.strip()!r})"))
    return rules


def expand(given: Iterable[tuple[str, str]]) -> list[Rule]:
    """The command line's ``(kind, value)`` pairs, in order, as rules (files read)."""
    rules: list[Rule] = []
    for kind, value in given:
        if kind == "exclude-from":
            rules.extend(read_rules(value))
        else:
            if not value.strip():
                raise UsageError(f"--{kind} needs a pattern")
            rules.append(Rule(kind, value))
    return rules


@dataclass
class PathFilter:
    """Decides which relative paths go, and which rule left the others aside."""

    rules: Sequence[Rule] = ()

    def __post_init__(self) -> None:
        self.rules = list(self.rules)
        self._only_included = bool(self.rules) and self.rules[0].kind == INCLUDE
        if not self.rules:
            return  # every path goes: no pattern to compile (nor pathspec to import)
        import pathspec
        from pathspec.patterns.gitignore.basic import GitIgnoreBasicPattern

        try:
            # The basic patterns: strictly the last match wins (GitIgnoreSpec ranks a match on
            # the file above one on its folder, whatever their order).
            self._spec = pathspec.PathSpec.from_lines(
                GitIgnoreBasicPattern, [r.as_gitignore() for r in self.rules])
        except ValueError as exc:  # pathspec's GitIgnorePatternError
            raise UsageError(f"not a valid pattern: {exc}") from exc
        if len(self._spec.patterns) != len(self.rules):
            raise UsageError("a pattern could not be read as a gitignore line")

    def __bool__(self) -> bool:
        return bool(self.rules)

    def rule_against(self, relative: str) -> str | None:
        """The label of the rule that leaves ``relative`` aside, or None when it goes."""
        if not self.rules:
            return None
        parts = relative.split("/")
        include, index = None, -1
        for candidate in [*("/".join(parts[:i]) + "/" for i in range(1, len(parts))), relative]:
            result = self._spec.check_file(candidate)
            if result.index is not None and result.index > index:
                include, index = result.include, result.index
        if include is True:
            return self.rules[index].label
        if include is None and self._only_included:
            return NOT_INCLUDED
        return None

    def summary(self, left_aside: Counter[str]) -> str | None:
        """``1 not matched by any --include, 12 by --exclude '*.txt'`` (in the order of the
        rules), or None when no rule left anything aside."""
        if not left_aside:
            return None
        order = [NOT_INCLUDED, *dict.fromkeys(rule.label for rule in self.rules)]
        return ", ".join(f"{left_aside[label]} {label}" if label == NOT_INCLUDED
                         else f"{left_aside[label]} by {label}"
                         for label in order if left_aside[label])



class RuleAction(argparse.Action):
    """Appends ``(option, value)`` to one list, so that the order of the rules is kept."""

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace,
                 values: Any, option_string: str | None = None) -> None:
        rules = list(getattr(namespace, self.dest, None) or [])
        rules.append((self.metavar_kind, values))
        setattr(namespace, self.dest, rules)

    @property
    def metavar_kind(self) -> str:
        return self.option_strings[-1].lstrip("-")


def add_filter_options(parser: argparse.ArgumentParser, what: str) -> None:
    """``--exclude``, ``--include`` and ``--exclude-from`` on a transfer command."""
    parser.set_defaults(filter_rules=None)
    parser.add_argument("--exclude", metavar="GLOB", dest="filter_rules", action=RuleAction,
                        help=f"Leave aside the {what} whose path (relative to the folder) "
                             "matches GLOB, a .gitignore line such as calib/ or /notes.txt "
                             "(repeatable; the last rule that matches decides).")
    parser.add_argument("--include", metavar="GLOB", dest="filter_rules", action=RuleAction,
                        help=f"Take the {what} matching GLOB even if an earlier --exclude left "
                             "them aside; as the first rule, only what the rules include goes "
                             "(repeatable).")
    parser.add_argument("--exclude-from", metavar="FILE", dest="filter_rules",
                        action=RuleAction,
                        help="Read rules from FILE: one pattern a line, !pattern includes, "
                             "# comments and blank lines skipped.")


def from_arguments(given: Iterable[tuple[str, str]] | None) -> PathFilter:
    return PathFilter(expand(given or ()))


def rules_of(exclude: str | Iterable[str] | None, include: str | Iterable[str] | None
             ) -> PathFilter:
    """The filter of the Python API's ``exclude=`` and ``include=`` (the excludes first)."""

    def listed(value: str | Iterable[str] | None) -> list[str]:
        return [value] if isinstance(value, str) else list(value or ())

    return from_arguments([*((EXCLUDE, p) for p in listed(exclude)),
                           *((INCLUDE, p) for p in listed(include))])
