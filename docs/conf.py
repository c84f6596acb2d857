"""Sphinx configuration for the Arcsecond CLI documentation.

Build with ``python -m sphinx -W -b html docs docs/_build/html`` (warnings are errors). The
command reference is generated from the installed commands' real parsers by cliff's
``autoprogram-cliff`` directive.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent / "_ext"))

# Generated option defaults must not depend on who builds the docs.
for variable in ("ARCSECOND_PORTAL", "ARCSECOND_API", "ARCSECOND_SIZE_UNIT"):
    os.environ.pop(variable, None)

from arcsecond_core import __version__  # noqa: E402

project = "Arcsecond CLI"
author = "Arcsecond CLI contributors"
copyright = "Arcsecond CLI contributors"
version = release = __version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "sphinx.ext.viewcode",
    "cliff.sphinxext",
    "command_plugins",
]

root_doc = "index"
exclude_patterns = ["_build"]
templates_path: list[str] = []
html_theme = "alabaster"
html_static_path: list[str] = []
html_title = f"Arcsecond CLI {release}"
pygments_style = "sphinx"

autodoc_member_order = "bysource"
autodoc_typehints = "description"
autodoc_default_options = {"members": True, "show-inheritance": True}
napoleon_google_docstring = True
napoleon_numpy_docstring = False

# The test fixtures import pytest, which a documentation-only environment may lack.
autodoc_mock_imports = [] if importlib.util.find_spec("pytest") else ["pytest"]

autoprogram_cliff_application = "arcsecond"
autoprogram_cliff_ignored = ["--help"]
