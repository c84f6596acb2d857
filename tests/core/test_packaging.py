"""The package stands alone: every third-party module it imports is declared."""

from __future__ import annotations

import ast
import importlib.metadata
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
OWN = {"arcsecond_core", "arcsecond_plugins", "tests", "benchmarks", "arcsecond_plugin_example", "arcsecond"}


def imported_modules(*folders: str) -> dict[str, set[str]]:
    """Top-level third-party modules imported under ``folders``, each with a file using it."""
    found: dict[str, set[str]] = {}
    for folder in folders:
        for path in (ROOT / folder).rglob("*.py"):
            inside = path.relative_to(ROOT).parts
            if "build" in inside or "fixtures" in inside or any(p.startswith(".") for p in inside):
                continue  # hidden: work files and virtual environments of the benchmarks
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    names = [node.module]
                else:
                    continue
                for name in names:
                    top = name.split(".")[0]
                    if top not in sys.stdlib_module_names and top not in OWN and top != "__future__":
                        found.setdefault(top, set()).add(str(path.relative_to(ROOT)))
    return found


def declared() -> dict[str, set[str]]:
    """Distribution name -> the extras declaring it ("" for install_requires)."""
    result: dict[str, set[str]] = {}
    for requirement in importlib.metadata.requires("arcsecond-cli") or []:
        name = re.split(r"[\s<>=!~;\[]", requirement, maxsplit=1)[0]
        extra = re.search(r"extra\s*==\s*['\"]([^'\"]+)", requirement)
        result.setdefault(_normal(name), set()).add(extra.group(1) if extra else "")
    return result


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


@pytest.mark.parametrize(
    ("folders", "allowed"),
    [(("arcsecond_core", "plugins"), {"", "server", "test"}),
     (("tests", "benchmarks", "docs"), {"", "server", "test", "docs"})],
)
def test_every_imported_module_is_declared(folders: tuple[str, ...], allowed: set[str]) -> None:
    distributions = importlib.metadata.packages_distributions()
    requirements = declared()
    missing = []
    for module, users in sorted(imported_modules(*folders).items()):
        names = {_normal(name) for name in distributions.get(module, [module])}
        if not any(requirements.get(name, set()) & allowed for name in names):
            missing.append(f"{module} (imported by {sorted(users)[0]})")
    assert missing == [], "imported but not declared in setup.cfg"


def test_the_development_tools_come_from_an_extra() -> None:
    assert "dev" in declared().get("tox", set())
