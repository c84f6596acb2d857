"""Run every benchmark module (``bench_*.py``) in turn, or only those named on the command line."""

from __future__ import annotations

import compileall
import importlib
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def compile_project() -> None:
    """Bytecode for the project's modules, as a regular install writes it: the clients measured
    must not compile their sources at every start (``PYTHONDONTWRITEBYTECODE`` may be set)."""
    for package in ("arcsecond_core", "plugins", "examples"):
        compileall.compile_dir(ROOT / package, quiet=1)


def main(argv: list[str]) -> int:
    names = argv or sorted(p.stem for p in Path(__file__).parent.glob("bench_*.py"))
    compile_project()
    for name in names:
        module_name = name if name.startswith("bench_") else f"bench_{name}"
        module = importlib.import_module(f"benchmarks.{module_name}")
        print(f"== {module.__name__}", flush=True)
        module.main()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
