"""No import circles: the module-level imports of ``arcsecond_core`` and ``arcsecond_plugins``.

Read from the source with ``ast`` (nothing is imported): every ``import`` a module runs when it
is loaded counts, at the top level, in ``if``/``try`` blocks and in class bodies; imports inside
functions (lazy ones) and under ``if TYPE_CHECKING:`` do not. An import names the most specific
module it reaches: ``from a.b import c`` is an import of ``a.b.c`` when that is a module, of
``a.b`` otherwise. The test fails naming every circle, e.g. ``a -> b -> a``.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
#: Import name of each package, and where its source is (``package_dir`` in setup.cfg).
PACKAGES = {"arcsecond_core": ROOT / "arcsecond_core", "arcsecond_plugins": ROOT / "plugins"}


def module_files() -> dict[str, Path]:
    """Every module of the packages, by its dotted name."""
    modules: dict[str, Path] = {}
    for package, directory in PACKAGES.items():
        for path in sorted(directory.rglob("*.py")):
            parts = [package, *path.relative_to(directory).with_suffix("").parts]
            if parts[-1] == "__init__":
                parts.pop()
            modules[".".join(parts)] = path
    return modules


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def load_time_imports(body: list[ast.stmt]) -> Iterator[ast.Import | ast.ImportFrom]:
    """The import statements run when a module is loaded: not in functions, not type-only."""
    for node in body:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            yield node
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            continue
        elif isinstance(node, ast.If):
            if not _is_type_checking(node.test):
                yield from load_time_imports(node.body)
            yield from load_time_imports(node.orelse)
        elif isinstance(node, ast.ClassDef):
            yield from load_time_imports(node.body)
        else:  # try, with, for, while, match: their blocks run at load time too
            for field in ("body", "orelse", "finalbody"):
                yield from load_time_imports(getattr(node, field, None) or [])
            for block in [*getattr(node, "handlers", []), *getattr(node, "cases", [])]:
                yield from load_time_imports(block.body)


def imported_modules(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The modules of ``modules`` that ``name`` (at ``path``) imports when it is loaded."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in load_time_imports(ast.parse(path.read_text(encoding="utf-8")).body):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        else:
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                source = ".".join(base + ([node.module] if node.module else []))
            else:
                source = node.module or ""
            targets = [f"{source}.{alias.name}" if f"{source}.{alias.name}" in modules else source
                       for alias in node.names]
        for target in targets:
            while target and target not in modules:
                target = target.rpartition(".")[0]
            if target and target != name:
                found.add(target)
    return found


def import_graph() -> dict[str, set[str]]:
    """Each module of the packages and the modules of the packages it imports when loaded."""
    modules = module_files()
    return {name: imported_modules(name, path, modules) for name, path in modules.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One circle through each strongly connected group of modules (Tarjan), as a path."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[set[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for child in sorted(graph[node]):
            if child not in index:
                visit(child)
                low[node] = min(low[node], low[child])
            elif child in on_stack:
                low[node] = min(low[node], index[child])
        if low[node] == index[node]:
            group: set[str] = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.add(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(group)

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return [_circle(graph, group) for group in groups]


def _circle(graph: dict[str, set[str]], group: set[str]) -> list[str]:
    """A shortest path from the group's first module back to itself, within the group."""
    start = min(group)
    paths = {start: [start]}
    frontier = [start]
    while frontier:
        following: list[str] = []
        for node in frontier:
            for child in sorted(graph[node] & group):
                if child == start:
                    return paths[node] + [start]
                if child not in paths:
                    paths[child] = paths[node] + [child]
                    following.append(child)
        frontier = following
    raise AssertionError(f"no circle in {sorted(group)}")


def test_the_graph_sees_the_packages_and_their_imports() -> None:
    graph = import_graph()
    assert "arcsecond_core.cli.app" in graph
    assert "arcsecond_plugins.server.app" in graph
    assert "arcsecond_core.errors" in graph["arcsecond_core.cli.base"]


def test_the_walk_finds_a_circle_and_ignores_lazy_and_type_only_imports(tmp_path: Path) -> None:
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("from pkg import b\n")
    (package / "b.py").write_text("try:\n    from . import c\nexcept ImportError:\n    pass\n")
    (package / "c.py").write_text("import pkg.a\n")
    (package / "d.py").write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
                                  "    from pkg import e\n")
    (package / "e.py").write_text("def later():\n    from pkg import d\n\nimport pkg.d\n")
    files = {"pkg": package / "__init__.py",
             **{f"pkg.{name}": package / f"{name}.py" for name in "abcde"}}
    graph = {name: imported_modules(name, path, files) for name, path in files.items()}
    assert graph["pkg.e"] == {"pkg.d"}
    assert graph["pkg.d"] == set()
    assert cycles(graph) == [["pkg.a", "pkg.b", "pkg.c", "pkg.a"]]


def test_no_import_circles() -> None:
    found = [" -> ".join(circle) for circle in cycles(import_graph())]
    assert not found, "import circles:\n" + "\n".join(found)
