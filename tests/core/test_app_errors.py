"""How a command's failure is said, through cliff's own ``run_subcommand`` and its hooks.

cliff builds, parses and runs the command; ``prepare_to_run_command`` makes its errors one line
of ours with the error's exit code, in a run and in the shell alike, and cliff's ``clean_up``
still runs after every command (the APIs a run opened are closed).
"""

from __future__ import annotations

import argparse
import io
import logging
from typing import Any

import pytest
from cliff.command import Command

from arcsecond_core.cli.app import EXIT_ERROR, EXIT_USAGE, ArcsecondApp
from arcsecond_core.errors import NotFound, UsageError


class Boom(Command):
    """Fail as told: ``--usage``, ``--missing`` or ``--crash``."""

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        parser.add_argument("how", choices=["usage", "missing", "crash", "fine"])
        return parser

    def take_action(self, parsed_args: argparse.Namespace) -> int:
        if parsed_args.how == "usage":
            raise UsageError("'arcsecond boom' needs a better reason")
        if parsed_args.how == "missing":
            raise NotFound("no such thing")
        if parsed_args.how == "crash":
            raise RuntimeError("it broke")
        self.app.stdout.write(f"ran as {self.cmd_name}\n")
        return 0


class BrokenParser(Command):
    """A command whose parser cannot be built."""

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        raise UsageError("this parser is broken")

    def take_action(self, parsed_args: argparse.Namespace) -> int:  # pragma: no cover
        return 0


class Api:
    closed = False

    def close(self) -> None:
        self.closed = True


def run(*argv: str, interactive: bool = False) -> tuple[int, str, str, Api]:
    out, err = io.StringIO(), io.StringIO()
    app = ArcsecondApp(stdin=io.StringIO(), stdout=out, stderr=err)
    app.command_manager.add_command("boom", Boom)
    app.command_manager.add_command("broken parser", BrokenParser)
    api = Api()
    app._apis[None] = api  # type: ignore[assignment]
    if interactive:
        app.options, _ = app.parser.parse_known_args(["--api", "cloud"])
        app.configure_logging()
        app.interactive_mode = True
        code = app.run_subcommand(list(argv))
    else:
        code = app.run(list(argv))
    return code, out.getvalue(), err.getvalue(), api


@pytest.mark.parametrize("interactive", [False, True])
def test_an_error_is_one_line_with_its_own_exit_code(interactive: bool) -> None:
    code, out, err, _api = run("boom", "usage", interactive=interactive)
    said = "'boom'" if interactive else "'arcsecond boom'"
    assert (code, out, err) == (EXIT_USAGE, "", f"error: {said} needs a better reason\n")
    code, _out, err, _api = run("boom", "missing", interactive=interactive)
    assert (code, err) == (NotFound.exit_code, "error: no such thing\n")
    code, _out, err, _api = run("boom", "crash", interactive=interactive)
    assert (code, err) == (EXIT_ERROR, "error: it broke (run with --debug for details)\n")


@pytest.mark.parametrize("interactive", [False, True])
def test_a_usage_error_is_argparses_alone_with_exit_2(interactive: bool, capsys: Any) -> None:
    code, out, err, _api = run("boom", "sideways", interactive=interactive)
    assert (code, out, err) == (EXIT_USAGE, "", "")  # nothing more than argparse's own lines
    said = capsys.readouterr().err.splitlines()
    assert said[0].startswith("usage: ") and "invalid choice: 'sideways'" in said[1]
    assert len(said) == 2


def test_a_parser_that_fails_is_said_once() -> None:
    code, _out, err, _api = run("broken", "parser")
    assert (code, err) == (EXIT_USAGE, "error: this parser is broken\n")


def test_cliff_builds_the_command_with_its_name_and_cleans_up_after_it() -> None:
    code, out, err, api = run("boom", "fine")
    assert (code, out, err) == (0, "ran as boom\n", "")
    assert api.closed
    for argv in (["boom", "crash"], ["boom", "sideways"], ["broken", "parser"]):
        assert run(*argv)[3].closed, argv


def test_the_shell_keeps_the_apis_open() -> None:
    _code, _out, _err, api = run("boom", "fine", interactive=True)
    assert not api.closed


def test_dash_dash_help_is_the_help_command(capsys: Any) -> None:
    code, out, _err, _api = run("boom", "--help")
    assert code == 0
    assert "Fail as told" in out + capsys.readouterr().out


def test_each_run_in_a_process_replaces_the_last_ones_log_handlers(tmp_path: Any) -> None:
    root = logging.getLogger("")
    foreign = logging.NullHandler()
    root.addHandler(foreign)
    before = list(root.handlers)
    try:
        for log in ("first.log", "second.log"):
            err = io.StringIO()
            app = ArcsecondApp(stdin=io.StringIO(), stdout=io.StringIO(), stderr=err)
            app.command_manager.add_command("boom", Boom)
            assert app.run(["--log-file", str(tmp_path / log), "boom", "missing"]) == NotFound.exit_code
            assert err.getvalue() == "error: no such thing\n"
        ours = [handler for handler in root.handlers if handler not in before]
        assert sorted(type(handler).__name__ for handler in ours) == ["ConsoleHandler",
                                                                      "LogFileHandler"]
        assert foreign in root.handlers
        assert "no such thing" in (tmp_path / "second.log").read_text()
        assert (tmp_path / "first.log").read_text().count("no such thing") == 1
    finally:
        for handler in list(root.handlers):
            if handler not in before or handler is foreign:
                root.removeHandler(handler)
                handler.close()
