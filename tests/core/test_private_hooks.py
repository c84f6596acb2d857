"""The private hooks of cliff and cmd2 this project uses, checked against what is installed.

A failure here names the hook: the installed cliff or cmd2 changed it, so the code in
``arcsecond_core/cli/private_hooks.py`` (the only place using private hooks) must follow.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import arcsecond_core
from arcsecond_core.cli.private_hooks import PRIVATE_HOOKS, PrivateHook, check


@pytest.mark.parametrize("hook", PRIVATE_HOOKS, ids=lambda hook: f"{hook.owner.__qualname__}.{hook.name}")
def test_each_private_hook_in_use_still_exists(hook: PrivateHook) -> None:
    if not hook.needed:
        pytest.skip(f"{hook.name} is not used with the installed version")
    problem = check(hook)
    assert problem is None, f"private hook changed: {problem}"


def test_the_check_names_a_hook_that_is_gone() -> None:
    class Library:
        def _hook(self, a: int) -> None: ...

    assert check(PrivateHook(Library, "_hook", ("self", "a"), True)) is None
    assert "Library._gone is gone" in check(PrivateHook(Library, "_gone", ("self",), True))
    changed = check(PrivateHook(Library, "_hook", ("self", "b"), True))
    assert changed is not None and "_hook now takes ('self', 'a')" in changed


LIBRARIES = ("cliff", "cmd2", "autopage", "stevedore")


def test_no_other_module_uses_a_private_name_of_cliff_or_cmd2() -> None:
    """Imports of private modules, and private attributes of the libraries' modules."""
    root = Path(arcsecond_core.__file__).parent
    offenders = []
    for path in [*root.rglob("*.py"), *(root.parent / "plugins").rglob("*.py")]:
        if path.name == "private_hooks.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        library_names = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] in LIBRARIES:
                parts = (node.module or "").split(".") + [alias.name for alias in node.names]
                if any(part.startswith("_") for part in parts):
                    offenders.append(f"{path.name}: from {node.module} import ...")
                library_names.update(alias.asname or alias.name for alias in node.names)
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name.split(".")[0] in LIBRARIES:
                        library_names.add((alias.asname or alias.name).split(".")[0])
        for node in ast.walk(tree):
            if (isinstance(node, ast.Attribute) and node.attr.startswith("_")
                    and not node.attr.startswith("__")
                    and isinstance(node.value, ast.Name) and node.value.id in library_names):
                offenders.append(f"{path.name}: {node.value.id}.{node.attr}")
    assert offenders == []
