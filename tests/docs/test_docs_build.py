"""The documentation builds with warnings as errors, and its command reference is complete."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parents[2] / "docs"
DISTRIBUTION = "arcsecond-cli"


@pytest.fixture(scope="module")
def html(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The HTML documentation, built from scratch with ``-W``."""
    try:
        import sphinx  # noqa: F401
    except ImportError:
        pytest.fail("Sphinx is missing: install the 'docs' extra (pip install -e '.[docs]')",
                    pytrace=False)
    out = tmp_path_factory.mktemp("docs")
    env = {k: v for k, v in os.environ.items()
           if k not in ("ARCSECOND_PORTAL", "ARCSECOND_API", "ARCSECOND_SIZE_UNIT")}
    env["ARCSECOND_CONFIG_DIR"] = str(out / "config")
    proc = subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-b", "html",
         "-d", str(out / "doctrees"), str(DOCS), str(out / "html")],
        capture_output=True, text=True, timeout=300, env=env,
    )
    assert proc.returncode == 0, f"the docs build failed:\n{proc.stderr}{proc.stdout}"
    return out / "html"


def section_id(title: str) -> str:
    from docutils import nodes

    return nodes.make_id(title)


def loads(value: str) -> bool:
    from arcsecond_core.plugin import load_object

    try:
        load_object(value)
    except Exception:
        return False
    return True


def test_every_registered_command_is_in_the_reference(html: Path) -> None:
    reference = (html / "cli.html").read_text(encoding="utf-8")
    # Each command is a section whose title is its name.
    documented = dict(re.findall(r'<section id="([^"]+)">\s*<h\d>([^<]+)<', reference))
    from arcsecond_core.plugin_registry import registry

    missing = []
    for entry in registry(frozenset()).available():
        for command, value in entry.commands.items():
            if not loads(value):
                # Only a third-party plugin may fail (the CLI leaves it out too); ours must load.
                assert entry.distribution[0] != DISTRIBUTION, f"{command} does not import"
                assert section_id(command) not in documented
                continue
            if documented.get(section_id(command)) != command:
                missing.append(command)
    assert missing == []


def test_commands_show_their_options_and_help_text(html: Path) -> None:
    reference = (html / "cli.html").read_text(encoding="utf-8")
    assert "Upload folders and files into a dataset" in reference
    for option in ("cmdoption-arcsecond-dataset-list-name", "cmdoption-arcsecond-upload-d",
                   "cmdoption-arcsecond-login-username", "cmdoption-arcsecond-api"):
        assert f'id="{option}"' in reference, option


def test_global_options_are_in_the_reference(html: Path) -> None:
    reference = (html / "cli.html").read_text(encoding="utf-8")
    for option in ("--api", "--debug", "--log-file", "--quiet", "--version"):
        assert f'id="cmdoption-arcsecond-{option.lstrip("-")}"' in reference, option


@pytest.mark.parametrize(
    ("page", "objects"),
    [
        ("reference/api.html", ["arcsecond_core.api.ArcsecondAPI", "arcsecond_core.api.ResourceSpec"]),
        ("reference/resources.html", ["arcsecond_core.resources.Resource.list",
                                      "arcsecond_core.resources.Resource.find"]),
        ("reference/datafiles.html", ["arcsecond_core.datafiles.DataFiles.upload",
                                      "arcsecond_core.datafiles.DataFiles.download"]),
        ("reference/session.html", ["arcsecond_core.session.ArcsecondSession.paginate"]),
        ("reference/errors.html", ["arcsecond_core.errors.ValidationError",
                                   "arcsecond_core.errors.AmbiguousName"]),
        ("reference/config.html", ["arcsecond_core.config.Config"]),
    ],
)
def test_python_reference_documents_the_modules(html: Path, page: str, objects: list[str]) -> None:
    text = (html / page).read_text(encoding="utf-8")
    for name in objects:
        assert f'id="{name}"' in text, name


def test_guides_are_built(html: Path) -> None:
    for page in ("index", "python", "plugins", "guide/install", "guide/servers",
                 "guide/commands", "guide/upload", "guide/shell", "guide/scripting",
                 "guide/server"):
        assert (html / f"{page}.html").is_file(), page
    plugins = (html / "plugins.html").read_text(encoding="utf-8")
    assert "global_options" in plugins and "disabled_plugins" in plugins
    assert "class DatasetStats" in plugins or "DatasetStats" in plugins
