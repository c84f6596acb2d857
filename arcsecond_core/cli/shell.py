"""The interactive shell: ``arcsecond`` with no command, on cmd2 through cliff.

cliff's InteractiveApp on cmd2 4 shows the ``(Cmd)`` prompt, replays the program's own
options as commands, loses ``| pipe`` and ``> file`` output, cannot complete multi-word
commands and always exits 1. This subclass fixes each of those.
"""

from __future__ import annotations

import contextlib
import shlex
import sys
from collections.abc import Iterator
from typing import Any, TextIO

import cmd2
from cliff.interactive import InteractiveApp
from cmd2.argparse_completer import ArgparseCompleter
from cmd2.exceptions import CompletionError

from arcsecond_core.cli.help import command_lines
from arcsecond_core.config import config_dir

PROMPT = "(arcsecond) "
#: cmd2 4 completes through prompt_toolkit, cmd2 3 (the one for Python 3.10) through readline.
CMD2_MAJOR = int(cmd2.__version__.split(".")[0])
HISTORY_FILE_NAME = "shell_history"


class ArcsecondShell(InteractiveApp):
    """Runs every ``arcsecond`` command; Tab completes command words and their options."""

    def __init__(self, parent_app: Any, command_manager: Any, stdin: TextIO | None,
                 stdout: TextIO | None) -> None:
        self.parent_app = parent_app
        self.command_manager = command_manager
        self.errexit = False
        self.last_status = 0
        history = config_dir() / HISTORY_FILE_NAME
        with contextlib.suppress(OSError):
            history.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        options: dict[str, Any] = {"auto_suggest": False} if CMD2_MAJOR >= 4 else {}
        cmd2.Cmd.__init__(
            self,
            "tab",
            stdin=stdin,
            stdout=stdout,
            allow_cli_args=False,  # the app parsed argv already: never replay it as commands
            persistent_history_file=str(history),
            **options,
        )
        if CMD2_MAJOR < 4:  # readline's input() reads sys.stdin only: other streams are read directly
            self.use_rawinput = self.stdin is sys.stdin
        interactive = hasattr(self.stdin, "isatty") and self.stdin.isatty()
        self.prompt = PROMPT if interactive else ""
        self.hidden_commands += ["alias", "macro", "run_pyscript", "run_script", "edit",
                                 "shortcuts", "set", "shell"]

    def run_loop(self) -> int:
        """Run the command loop until ``quit``, ``exit`` or end of input; 0 then."""
        return self.cmdloop() or 0

    # -- running commands --------------------------------------------------------------------

    def default(self, line: Any) -> bool | None:
        words = self._split_line(line)
        with self._app_output_to(self.stdout):
            self.last_status = self.parent_app.run_subcommand(words) or 0
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

    def do_help(self, arg: Any) -> None:
        if arg:
            super().do_help(arg)
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
                    completions = self._complete_arcsecond(text, line, begidx, endidx)
                except CompletionError as exc:  # e.g. a hint for a free-text argument
                    return cmd2.Completions(error=f"{exc}\n" if str(exc) else "")
                if completions is not None:
                    return completions
            return super().complete(text, line, begidx, endidx, custom_settings)

    else:  # cmd2 3, readline: complete(text, state) has _perform_completion fill the matches

        def _perform_completion(self, text: str, line: str, begidx: int, endidx: int,
                                custom_settings: Any = None) -> None:
            if custom_settings is None or begidx == 0:
                matches = self._complete_arcsecond(text, line, begidx, endidx)
                if matches is not None:
                    self.completion_matches = list(matches)
                    return
            super()._perform_completion(text, line, begidx, endidx, custom_settings)

    def _complete_arcsecond(self, text: str, line: str, begidx: int, endidx: int) -> Any:
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
            command_class, cmd_name, _ = self.command_manager.find_command(command_words)
        except Exception:  # an unknown or broken plugin completes to nothing
            return cmd2.Completions() if CMD2_MAJOR >= 4 else []
        command = command_class(self.parent_app, None, cmd_name=cmd_name)
        parser = command.get_parser(name)
        tokens, _raw = self.tokens_for_completion(line, begidx, endidx)
        completer = ArgparseCompleter(parser, self)
        return completer.complete(text, line, begidx, endidx, tokens[len(command_words):])

