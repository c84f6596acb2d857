"""The interactive shell: ``arcsecond`` with no command, on cmd2's public interface.

A ``cmd2.Cmd`` built with its own constructor: the ``(arcsecond)`` prompt, the program's
options never replayed as commands, a history file that keeps the commands people typed,
``| pipe`` and ``> file`` applied to a command's output, multi-word completion, and an exit
status a script can trust.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import shlex
import sys
from collections.abc import Iterator
from typing import Any, TextIO

import cmd2
from cmd2.argparse_completer import ArgparseCompleter
from cmd2.exceptions import CompletionError

from arcsecond_core.cli.help import command_lines
from arcsecond_core.cli.private_hooks import CMD2_MAJOR, ReadlineCompletion
from arcsecond_core.config import config_dir

PROMPT = "(arcsecond) "
HISTORY_FILE_NAME = "shell_history"
#: cmd2's own commands that make no sense here.
HIDDEN = ("alias", "macro", "run_pyscript", "run_script", "edit", "shortcuts", "set", "shell")


class ArcsecondShell(ReadlineCompletion, cmd2.Cmd):
    """Runs every ``arcsecond`` command; Tab completes command words and their options."""

    doc_header = "Shell commands (type help <topic>):"
    app_cmd_header = "Application commands (type help <topic>):"

    def __init__(self, parent_app: Any, command_manager: Any, stdin: TextIO | None,
                 stdout: TextIO | None) -> None:
        self.parent_app = parent_app
        self.command_manager = command_manager
        self.last_status = 0
        #: The status of the last command that failed (0: none failed).
        self.failed_status = 0
        history = config_dir() / HISTORY_FILE_NAME
        with contextlib.suppress(OSError):
            history.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        options: dict[str, Any] = {"auto_suggest": False} if CMD2_MAJOR >= 4 else {}
        super().__init__(
            "tab",
            stdin=stdin,
            stdout=stdout,
            allow_cli_args=False,  # the app parsed argv already: never replay it as commands
            persistent_history_file=str(history),
            **options,
        )
        if CMD2_MAJOR < 4:  # readline's input() reads sys.stdin only: other streams are read directly
            self.use_rawinput = self.stdin is sys.stdin
        self.interactive = hasattr(self.stdin, "isatty") and self.stdin.isatty()
        self.prompt = PROMPT if self.interactive else ""
        self.hidden_commands += list(HIDDEN)

    def run_loop(self) -> int:
        """Run the command loop until ``quit``, ``exit`` or end of input.

        ``quit`` and ``exit`` end with 0. At the end of piped input the status is that of the
        last command that failed, so a script learns that something went wrong.
        """
        self.cmdloop()
        return self.exit_code or 0

    # -- running commands --------------------------------------------------------------------

    def default(self, statement: Any) -> bool | None:
        # cmd2 records only its own commands in history; ours are recorded here, as typed.
        if statement.command not in self.exclude_from_history:
            self.history.append(statement)
        words = shlex.split(statement.command_and_args)
        with self._app_output_to(self.stdout):
            self.last_status = self.parent_app.run_subcommand(words) or 0
        if self.last_status:
            self.failed_status = self.last_status
        return None

    @contextlib.contextmanager
    def _app_output_to(self, stream: TextIO) -> Iterator[None]:
        """Point the app's stdout at cmd2's current stdout, which is the pipe or file of
        ``| cmd`` and ``> file`` while one is in effect."""
        saved = self.parent_app.stdout
        self.parent_app.stdout = stream
        try:
            yield
        finally:
            with contextlib.suppress(OSError, ValueError):
                stream.flush()
            self.parent_app.stdout = saved

    def do_quit(self, _statement: Any) -> bool:
        """Leave the shell"""
        self.exit_code = 0
        return True

    do_exit = do_quit

    def end_of_input(self, _statement: Any) -> bool:
        """End of input (Ctrl-D): leave, with the status of the last failure of piped input."""
        if self.interactive:
            self.poutput("")  # the prompt's line, ended
        else:
            self.exit_code = self.failed_status
        return True

    if CMD2_MAJOR >= 4:
        do__eof = end_of_input
    else:
        do_eof = end_of_input

    @functools.wraps(cmd2.Cmd.do_history)
    def do_history(self, statement: Any) -> bool | None:
        try:
            return cmd2.Cmd.do_history(self, statement)
        except IndexError:
            self.perror(f"error: no such history item: {statement.args}; see 'history'")
            return None

    def do_help(self, arg: Any) -> None:
        """List the commands, or show one command's help"""
        words = shlex.split(arg) if arg else []
        if words and hasattr(self, f"do_{words[0]}") and len(words) == 1:
            cmd2.Cmd.do_help(self, arg)
            return
        if words:
            self.default(_statement("help", words))
            return
        cmd2.Cmd.do_help(self, arg)
        # The commands that load, aliases left out, as in 'arcsecond --help'.
        names = [name for name, _description in command_lines(self.parent_app)]
        self.print_topics(self.app_cmd_header, names, 15, 80)

    # -- completion ------------------------------------------------------------------------------

    if CMD2_MAJOR >= 4:  # prompt_toolkit: complete() answers for the whole line

        def complete(self, text: str, line: str, begidx: int, endidx: int,
                     custom_settings: Any = None) -> Any:
            if custom_settings is None:
                try:
                    completions = self.complete_arcsecond(text, line, begidx, endidx)
                except CompletionError as exc:  # e.g. a hint for a free-text argument
                    return cmd2.Completions(error=f"{exc}\n" if str(exc) else "")
                if completions is not None:
                    return completions
            return super().complete(text, line, begidx, endidx, custom_settings)

    def complete_arcsecond(self, text: str, line: str, begidx: int, endidx: int) -> Any:
        """Completions for command words and for the options of a complete command, or None."""
        stripped = line.lstrip()
        offset = len(line) - len(stripped)
        try:
            typed = shlex.split(stripped[: max(begidx - offset, 0)])
        except ValueError:
            return None
        if any(token in ("|", ">", ">>") for token in typed):
            return None
        names = [name.split() for name, _ in self.command_manager]
        command_words = self._matched_command(typed, names)
        if command_words is None:
            candidates = {
                words[len(typed)]
                for words in names
                if len(words) > len(typed) and words[: len(typed)] == typed
            }
            if not typed:
                candidates.update(self.get_visible_commands())
            if not candidates:
                return None
            return self.basic_complete(text, line, begidx, endidx, sorted(candidates))
        return self._complete_options(command_words, text, line, begidx, endidx)

    @staticmethod
    def _matched_command(typed: list[str], names: list[list[str]]) -> list[str] | None:
        """The longest command name that ``typed`` starts with, if any."""
        best = None
        for words in names:
            if typed[: len(words)] == words and (best is None or len(words) > len(best)):
                best = words
        return best

    def _complete_options(self, command_words: list[str], text: str, line: str, begidx: int,
                          endidx: int) -> Any:
        name = " ".join(command_words)
        try:
            command_class, _cmd_name, _ = self.command_manager.find_command(command_words)
        except Exception:  # an unknown or broken plugin completes to nothing
            return cmd2.Completions() if CMD2_MAJOR >= 4 else []
        # Built without a command name: a command that only describes itself loads no hooks.
        command = command_class(self.parent_app, argparse.Namespace())
        parser = command.get_parser(name)
        tokens, _raw = self.tokens_for_completion(line, begidx, endidx)
        completer = ArgparseCompleter(parser, self)
        return completer.complete(text, line, begidx, endidx, tokens[len(command_words):])


def _statement(command: str, args: list[str]) -> cmd2.Statement:
    """A cmd2 statement for ``command args...`` (the words quoted back)."""
    joined = shlex.join(args)
    return cmd2.Statement(joined, raw=f"{command} {joined}", command=command)
