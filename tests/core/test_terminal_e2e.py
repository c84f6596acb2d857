"""At a terminal and in scripts: shell history and exit status, completion, help paging,
suggestions for unknown commands, checked sort columns and page sizes.

Every test runs the real console script against the embedded server; the ones about
interaction run it on a pseudo-terminal.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from arcsecond_core.testing import arcsecond_script
from arcsecond_core.testing_client import ArcsecondClient
from tests.core.pty_session import TerminalSession

pytestmark = pytest.mark.e2e
needs_pty = pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
PROMPT = b"(arcsecond)"


@pytest.fixture
def client(arcsecond_client: ArcsecondClient) -> ArcsecondClient:
    """A user with one dataset, M31."""
    arcsecond_client.run("dataset", "create", "--name", "M31", check=True)
    return arcsecond_client


# -- the shell ---------------------------------------------------------------------------------


@needs_pty
def test_history_keeps_the_commands_typed_across_sessions(client: ArcsecondClient) -> None:
    with TerminalSession(env=client.env) as first:
        assert first.wait_for(PROMPT), first.text
        first.type(b"dataset list -f value -c name\r")
        assert first.wait_for(b"M31") and first.wait_for(PROMPT), first.text
        first.type(b"whoami -f value -c username\r")
        assert first.wait_for(client.username.encode()) and first.wait_for(PROMPT), first.text
        first.type(b"quit\r")
        assert first.wait_for_exit() == 0
    with TerminalSession(env=client.env) as second:
        assert second.wait_for(PROMPT), second.text
        second.type(b"\x1b[A\x1b[A\r")  # up twice: past 'quit', to the whoami of the last session
        assert second.wait_for(client.username.encode()), second.text
        assert second.wait_for(PROMPT), second.text
        second.type(b"history -a\r")
        assert second.wait_for(b"whoami -f value -c username"), second.text
        assert second.wait_for(PROMPT), second.text
        assert "dataset list -f value -c name" in second.text
        second.type(b"history 2\r")
        assert second.wait_for(b"2  whoami -f value -c username") and second.wait_for(PROMPT), second.text
        second.type(b"history 99\r")
        assert second.wait_for(b"no such history item: 99") and second.wait_for(PROMPT), second.text
        second.type(b"quit\r")
        assert second.wait_for_exit() == 0
    assert "Traceback" not in second.text and "IndexError" not in second.text


@needs_pty
def test_help_inside_the_shell_names_shell_commands(client: ArcsecondClient) -> None:
    with TerminalSession(env={**client.env, "ARCSECOND_PAGER": ""}) as session:
        assert session.wait_for(PROMPT), session.text
        session.type(b"bogus\r")
        assert session.wait_for(b"See 'help'.") and session.wait_for(PROMPT), session.text
        session.type(b"dataset list --help\r")
        assert session.wait_for(b"usage: dataset list") and session.wait_for(PROMPT), session.text
        session.type(b"quit\r")
        assert session.wait_for_exit() == 0
    assert "arcsecond --help" not in session.text and "usage: arcsecond dataset" not in session.text


def test_piped_input_exits_1_when_a_command_failed_and_prints_no_blank_line(
    client: ArcsecondClient,
) -> None:
    proc = client.run(input="dataset show nope\n")
    assert proc.returncode == 1
    assert proc.stdout == ""
    assert proc.stderr.startswith("error: ") and "nope" in proc.stderr
    assert len(proc.stderr.splitlines()) == 1
    # A failure is not lost behind a later success; a clean run ends with 0 and only its output.
    proc = client.run(input="dataset show nope\ndataset list -f value -c name\n")
    assert (proc.returncode, proc.stdout) == (1, "M31\n")
    proc = client.run(input="dataset list -f value -c name\n")
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, "M31\n", "")
    proc = client.run(input="dataset list -f value -c name --bogus-option\n")
    assert proc.returncode == 2
    assert "unrecognized arguments: --bogus-option" in proc.stderr
    assert "Cmd2ArgparseError" not in proc.stderr


def test_messages_inside_the_shell_say_the_shell_command(client: ArcsecondClient) -> None:
    proc = client.run(input="bogus\nlogout\nwhoami\n")
    assert "See 'help'." in proc.stderr and "arcsecond --help" not in proc.stderr
    assert "run 'login'" in proc.stderr and "'arcsecond login'" not in proc.stderr
    outside = client.run("whoami")
    assert "run 'arcsecond login'" in outside.stderr


# -- completion outside the shell --------------------------------------------------------------

PROBE = """
t() {{ COMP_WORDS=("$@"); COMP_CWORD=$(( ${{#COMP_WORDS[@]}} - 1 )); COMPREPLY=(); _arcsecond;
      echo "${{COMPREPLY[*]}}"; }}
{calls}
"""


def complete_in(shell: list[str], script: str, *lines: tuple[str, ...], env: dict[str, str]) -> list[str]:
    calls = "\n".join("t " + " ".join(f"'{word}'" for word in words) for words in lines)
    proc = subprocess.run([*shell, script + PROBE.format(calls=calls)], capture_output=True,
                          text=True, timeout=60, env=env)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.splitlines()


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_bash_completion_from_the_documented_line(client: ArcsecondClient, tmp_path: Path) -> None:
    bin_dir = str(Path(arcsecond_script()).parent)
    env = {**client.env, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
           "HOME": str(tmp_path)}
    # The very line the README puts in ~/.bashrc.
    rc_line = 'eval "$(arcsecond complete --shell bash)"\n'
    completions = complete_in(
        ["bash", "--norc", "--noprofile", "-c"], rc_line,
        ("arcsecond", "datas"), ("arcsecond", "dataset", "l"),
        ("arcsecond", "dataset", "list", "--sort-c"), ("arcsecond", "api", ""),
        env=env,
    )
    assert completions == ["dataset datasets", "list", "--sort-column", "add list remove use"]


@pytest.mark.skipif(shutil.which("zsh") is None, reason="needs zsh")
def test_zsh_completion_offers_the_same_words(client: ArcsecondClient, tmp_path: Path) -> None:
    script = tmp_path / "arcsecond.zsh"
    script.write_text(client.run("complete", "--shell", "zsh", check=True).stdout)
    env = {**client.env, "HOME": str(tmp_path)}
    # zsh filters by the typed prefix itself: the function offers the words of the position.
    dataset, options = complete_in(
        ["zsh", "-f", "-c"], f"source {script}\n",
        ("arcsecond", "dataset", "l"), ("arcsecond", "dataset", "list", "--sort-c"), env=env,
    )
    assert {"list", "show", "create", "update", "delete"} <= set(dataset.split())
    assert {"--sort-column", "--page-size", "--format"} <= set(options.split())


# -- help: paged only for a person at a terminal -----------------------------------------------


def pager_that_leaves(mark: Path) -> str:
    return f"sh -c 'touch {mark}; cat'"


def test_help_is_not_paged_into_a_pipe(client: ArcsecondClient, tmp_path: Path) -> None:
    mark = tmp_path / "paged"
    env = {"PAGER": pager_that_leaves(mark), "ARCSECOND_PAGER": pager_that_leaves(mark)}
    proc = client.run("--help", env=env)
    assert proc.returncode == 0 and "dataset list" in proc.stdout
    assert client.run("dataset", "list", "--help", env=env).returncode == 0
    assert not mark.exists()


@needs_pty
@pytest.mark.parametrize(
    ("variables", "paged_by"),
    [({"PAGER": "pager"}, "pager"),
     ({"PAGER": "pager", "ARCSECOND_PAGER": "arcsecond-pager"}, "arcsecond-pager"),
     ({"PAGER": "pager", "ARCSECOND_PAGER": ""}, None)],
)
def test_help_at_a_terminal_honours_arcsecond_pager_then_pager(
    client: ArcsecondClient, tmp_path: Path, variables: dict[str, str], paged_by: str | None,
) -> None:
    env = {name: pager_that_leaves(tmp_path / mark) if mark else "" for name, mark in variables.items()}
    with TerminalSession("dataset", "list", "--help", env={**client.env, **env}) as session:
        assert session.wait_for_exit() == 0
    assert "usage: arcsecond dataset list" in session.text
    marks = {path.name for path in tmp_path.iterdir() if "pager" in path.name}
    assert marks == ({paged_by} if paged_by else set())


# -- unknown commands, sort columns, page sizes --------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "suggested"),
    [(["bogus"], []), (["nonsense", "command"], []), (["logot"], ["logout"]),
     (["datset", "list"], ["dataset list"]), (["telscope", "list"], ["telescope list"])],
)
def test_unknown_commands_suggest_close_matches_only(
    arcsecond_client: ArcsecondClient, typed: list[str], suggested: list[str],
) -> None:
    proc = arcsecond_client.run(*typed)
    assert proc.returncode == 2
    lines = proc.stderr.splitlines()
    assert lines[0] == f"arcsecond: '{' '.join(typed)}' is not an arcsecond command. See 'arcsecond --help'."
    offered = [line.strip() for line in lines[2:]]
    if not suggested:
        assert len(lines) == 1, proc.stderr
    else:
        assert lines[1] == "Did you mean one of these?"
        assert offered[: len(suggested)] == suggested
        assert "logout" not in offered or "logout" in suggested


def test_unknown_sort_column_is_a_usage_error(client: ArcsecondClient) -> None:
    proc = client.run("dataset", "list", "--sort-column", "colour")
    assert (proc.returncode, proc.stdout) == (2, "")
    assert proc.stderr.startswith("error: unknown sort column 'colour': choose among ")
    assert "name" in proc.stderr
    proc = client.run("dataset", "list", "-f", "value", "-c", "name", "--sort-column", "Name")
    assert (proc.returncode, proc.stdout) == (0, "M31\n")


def test_page_size_over_the_maximum_is_a_usage_error(client: ArcsecondClient) -> None:
    proc = client.run("dataset", "list", "--page-size", "1001")
    assert (proc.returncode, proc.stdout) == (2, "")
    assert "--page-size: 1001 is over the API's maximum of 1000" in proc.stderr
    proc = client.run("dataset", "list", "--page-size", "1000", "-f", "value", "-c", "name")
    assert (proc.returncode, proc.stdout) == (0, "M31\n")
