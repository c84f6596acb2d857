"""The interactive shell, through cmd2's real completer and command loop."""

from __future__ import annotations

import io
import os
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from arcsecond_core.cli.app import ArcsecondApp
from arcsecond_core.cli.shell import CMD2_MAJOR, PROMPT, ArcsecondShell
from arcsecond_core.testing import arcsecond_script


class TerminalInput(io.StringIO):
    """Standard input that says it is a terminal."""

    def isatty(self) -> bool:
        return True


def make_shell(stdin: io.StringIO | None = None) -> tuple[ArcsecondShell, io.StringIO, io.StringIO]:
    out, err = io.StringIO(), io.StringIO()
    app = ArcsecondApp(stdin=stdin or io.StringIO(), stdout=out, stderr=err)
    app.options, _ = app.parser.parse_known_args(["--api", "cloud"])
    app.interactive_mode = True
    shell = ArcsecondShell(app, app.command_manager, app.stdin, out)
    return shell, out, err


def completions(shell: ArcsecondShell, line: str) -> tuple[str, ...]:
    """What cmd2's completer offers for the word at the end of ``line``."""
    text = line.split(" ")[-1]
    begidx, endidx = len(line) - len(text), len(line)
    if CMD2_MAJOR >= 4:
        return shell.complete(text, line, begidx, endidx).to_strings()
    # cmd2 3: complete(text, state) reads readline's buffer, then asks _perform_completion.
    stripped = line.lstrip()
    offset = len(line) - len(stripped)
    shell._perform_completion(text, stripped, begidx - offset, endidx - offset)
    return tuple(sorted(match.rstrip() for match in shell.completion_matches))


def test_prompt_is_arcsecond_at_a_terminal_and_empty_in_a_pipe() -> None:
    assert make_shell(TerminalInput())[0].prompt == PROMPT == "(arcsecond) "
    assert make_shell(io.StringIO())[0].prompt == ""


def test_tab_completes_first_words_subcommands_and_shell_commands() -> None:
    shell = make_shell()[0]
    first_words = completions(shell, "")
    assert {"api", "login", "whoami", "server", "plugin", "quit", "help"} <= set(first_words)
    assert completions(shell, "ap") == ("api",)
    assert completions(shell, "api ") == ("add", "list", "remove", "use")
    assert completions(shell, "server st") == ("start",)
    assert completions(shell, "  api  r") == ("remove",)


def test_tab_completes_options_and_their_choices() -> None:
    shell = make_shell()[0]
    assert completions(shell, "api list --f") == ("--fit-width", "--format")
    assert completions(shell, "api list -f ") == ("csv", "json", "table", "value", "yaml")
    assert "--username" in completions(shell, "login --")
    assert completions(shell, "login --type ") == ("access", "upload")


def test_commands_run_and_unknown_ones_do_not_end_the_shell(tmp_path: Path) -> None:
    script = "api list -f value -c name\nno such thing\napi list -f value -c name\nquit\n"
    shell, out, err = make_shell(io.StringIO(script))
    assert shell.run_loop() == 0
    assert out.getvalue().count("cloud\n") == 2
    assert "'no such thing' is not an arcsecond command" in err.getvalue()


def test_help_lists_the_commands_that_load_and_not_the_aliases() -> None:
    shell, out, _err = make_shell(io.StringIO("help\nquit\n"))
    assert shell.run_loop() == 0
    words = set(out.getvalue().split())
    assert {"whoami", "quit", "history"} <= words
    assert "datasets" not in words and "telescopes" not in words  # hidden aliases
    assert "dataset" in words and "broken" not in words


def run_shell(script: str, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [arcsecond_script(), *args], input=script, capture_output=True, text=True, timeout=60, cwd=cwd,
    )


def test_pipes_and_redirects_apply_to_command_output(tmp_path: Path) -> None:
    target = tmp_path / "servers.csv"
    script = (
        "api add local http://127.0.0.1:9 -f value\n"
        "api list -f value -c name | grep -c o\n"
        f"api list -f csv > {target}\n"
        "quit\n"
    )
    proc = run_shell(script, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[-1] == "2"  # 'cloud' and 'local', counted by grep
    assert target.read_text().splitlines()[0] == '"name","api_server","current","username","key_type","key"'
    assert len(target.read_text().splitlines()) == 3


def test_global_options_are_not_replayed_and_eof_exits_0() -> None:
    proc = run_shell("api list -f value -c name -c current\n", "--api", "cloud", "-q")
    assert proc.returncode == 0
    assert proc.stdout.strip() == "cloud True"
    assert "not a recognized command" not in proc.stderr and proc.stderr == ""


def test_quit_exits_0_even_after_a_failed_command() -> None:
    proc = run_shell("whoami\nquit\n", "--api", "cloud")
    assert proc.returncode == 0
    assert "not logged in on cloud" in proc.stderr


def test_shell_command_and_history_file(isolated_config_dir: Path) -> None:
    proc = run_shell("api list -f value -c name\nexit\n", "shell")
    assert (proc.returncode, proc.stdout.strip()) == (0, "cloud")
    assert (isolated_config_dir / "shell_history").exists()


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_a_real_terminal_session_with_tab_completion() -> None:
    import pty

    pid, fd = pty.fork()
    if pid == 0:  # the child: the real console script on a terminal
        os.execv(arcsecond_script(), [arcsecond_script(), "--api", "cloud"])
    seen = b""
    status: int | None = None

    def wait_for(marker: bytes, timeout: float = 20.0) -> bool:
        nonlocal seen
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            ready, _, _ = select.select([fd], [], [], 0.1)
            if ready:
                try:
                    seen += os.read(fd, 4096)
                except OSError:
                    return False
                if marker in seen:
                    return True
        return False

    try:
        assert wait_for(b"(arcsecond)"), seen
        os.write(fd, b"api lis\t")  # Tab completes the one command that fits
        assert wait_for(b"list"), seen
        os.write(fd, b" -f value -c api_server\r")
        assert wait_for(b"https://api.arcsecond.io"), seen
        os.write(fd, b"quit\r")
        status = wait_for_exit(pid, timeout=20.0)
    finally:
        if status is None:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        os.close(fd)
    assert os.waitstatus_to_exitcode(status) == 0


def wait_for_exit(pid: int, timeout: float) -> int | None:
    """The wait status of child ``pid`` once it exits, or None if it is still running."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return status
        time.sleep(0.05)
    return None
