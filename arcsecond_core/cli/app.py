"""The cliff application: global options, logging, errors and exit codes, the lazy API."""

from __future__ import annotations

import argparse
import difflib
import itertools
import logging
import sys
from typing import TYPE_CHECKING, Any, TextIO

from cliff.app import App
from cliff.help import HelpExit

from arcsecond_core import __version__
from arcsecond_core.cli.commandmanager import LazyCommandManager
from arcsecond_core.cli.completion import Complete
from arcsecond_core.cli.help import HelpCommand, print_command_list
from arcsecond_core.errors import ArcsecondError, Interrupted
from arcsecond_core.masking import install as install_masking
from arcsecond_core.plugin import load_object
from arcsecond_core.plugin_registry import registry

if TYPE_CHECKING:
    from cliff.command import Command

    from arcsecond_core.api import ArcsecondAPI

EXIT_OK, EXIT_ERROR, EXIT_USAGE = 0, 1, 2
EXIT_SIGINT, EXIT_SIGPIPE = 130, 141
#: Where the global parser puts the command and its arguments.
COMMAND_WORDS = "command_words"
RED, RESET = "\033[31m", "\033[0m"
#: The libraries' loggers, quiet unless asked with -vvv.
LIBRARY_LOGGERS = ("urllib3", "stevedore", "cliff")
DESCRIPTION = "Command-line client for Arcsecond.io: datasets, data files, night logs and uploads."


class CommandEnded(BaseException):
    """A command that ended before it ran, its reason already said (argparse's usage error, or
    a parser that failed to build): carried past cliff's handling of errors, which would say it
    again (in the shell, as an empty error), to ``run_subcommand`` with its exit code."""

    def __init__(self, code: int) -> None:
        super().__init__(code)
        self.code = code


class _ConsoleFormatter(logging.Formatter):
    """Plain messages, with ``warning:`` and ``error:`` prefixes where they belong; errors red
    when ``colour`` (a colour terminal)."""

    def __init__(self, fmt: str, colour: bool = False) -> None:
        super().__init__(fmt)
        self.colour = colour

    def format(self, record: logging.LogRecord) -> str:
        message = super().format(record)
        if record.levelno >= logging.ERROR:
            if not message.startswith("error:"):
                message = f"error: {message}"
            return f"{RED}{message}{RESET}" if self.colour else message
        if record.levelno == logging.WARNING and not message.startswith("warning:"):
            return f"warning: {message}"
        return message


class ConsoleHandler(logging.StreamHandler):
    """The CLI's messages on its standard error (replaced by the next run's, in one process)."""


class LogFileHandler(logging.FileHandler):
    """The CLI's ``--log-file`` (replaced by the next run's, in one process)."""


def wants_colour(stream: Any) -> bool:
    """True on a terminal that may show colours: not ``NO_COLOR`` (https://no-color.org), not
    ``TERM=dumb``, not a pipe or a file."""
    import os

    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    return bool(getattr(stream, "isatty", None) and stream.isatty())


class ArcsecondApp(App):
    """``arcsecond``: every command comes from a plugin of the ``arcsecond.plugins`` namespace."""

    NAME = "arcsecond"
    LOG = logging.getLogger("arcsecond")

    def __init__(
        self,
        stdin: TextIO | None = None,
        stdout: TextIO | None = None,
        stderr: TextIO | None = None,
    ) -> None:
        super().__init__(
            description=DESCRIPTION,
            version=__version__,
            command_manager=LazyCommandManager(registry()),
            stdin=stdin,
            stdout=stdout,
            stderr=stderr,
        )
        # cliff registers its own help and complete; ours replace them.
        self.command_manager.add_command("help", HelpCommand)
        self.command_manager.add_command("complete", Complete)
        self._apis: dict[Any, ArcsecondAPI] = {}
        self.shell_exit_code = EXIT_OK

    def build_option_parser(
        self,
        description: str | None,
        version: str | None,
        argparse_kwargs: dict[str, Any] | None = None,
    ) -> argparse.ArgumentParser:
        parser = argparse.ArgumentParser(
            prog=self.NAME, description=description, add_help=False, **(argparse_kwargs or {})
        )
        parser.add_argument("--version", action="version", version=f"{self.NAME} {version}")
        verbosity = parser.add_mutually_exclusive_group()
        verbosity.add_argument(
            "-v", "--verbose", action="count", dest="verbose_level",
            default=self.DEFAULT_VERBOSE_LEVEL, help="Say more (repeat for more).",
        )
        verbosity.add_argument(
            "-q", "--quiet", action="store_const", dest="verbose_level", const=0,
            help="Say only warnings and errors.",
        )
        parser.add_argument(
            "--api", metavar="NAME", default=None,
            help="API server to use for this run (see 'arcsecond api list'; "
            "default: $ARCSECOND_API, else the current one).",
        )
        parser.add_argument(
            "--timeout", metavar="SECONDS", type=_seconds, default=None,
            help="Give up on a server that does not answer a request within SECONDS, retries "
            "included; an upload or download still moving bytes is not cut off "
            "(default: $ARCSECOND_TIMEOUT, else 60).",
        )
        parser.add_argument("--log-file", default=None, help="Also log to this file.")
        parser.add_argument(
            "-h", "--help", dest="deferred_help", action="store_true",
            help="Show this help and the list of commands (after a command: that command's help).",
        )
        parser.add_argument(
            "--debug", default=False, action="store_true",
            help="Log every HTTP request and show tracebacks on errors (keys stay masked).",
        )
        # A plugin adds global options with a function ``(parser) -> None`` named by its plugin
        # object; one that fails costs one warning line, like a plugin that fails to load.
        plugins = registry()
        plugins.warn_once(lambda warning: self.stderr.write(f"warning: {warning}\n"))
        for entry, path in plugins.global_options():
            try:
                load_object(path)(parser)
            except Exception as exc:
                self.stderr.write(
                    f"warning: global options of plugin {entry.name!r} ({path}) "
                    f"failed to load: {type(exc).__name__}: {exc}\n"
                )
        # Global options come before the command: from its first word on, everything is the
        # command's, so a command's own option (``server start --timeout``) is never taken for a
        # global one of the same name.
        parser.add_argument(COMMAND_WORDS, nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
        return parser

    def configure_logging(self) -> None:
        root = logging.getLogger("")
        root.setLevel(logging.DEBUG)
        for handler in list(root.handlers):  # an earlier run's in this process
            if isinstance(handler, (ConsoleHandler, LogFileHandler)):
                root.removeHandler(handler)
        if self.options.log_file:
            file_handler = LogFileHandler(self.options.log_file)
            file_handler.setFormatter(logging.Formatter(self.LOG_FILE_MESSAGE_FORMAT))
            install_masking(file_handler)
            root.addHandler(file_handler)
        console = ConsoleHandler(self.stderr)
        level = {0: logging.WARNING, 1: logging.INFO, 2: logging.DEBUG}.get(
            self.options.verbose_level, logging.DEBUG
        )
        console.setLevel(logging.DEBUG if self.options.debug else level)
        console.setFormatter(_ConsoleFormatter("%(message)s", colour=wants_colour(self.stderr)))
        install_masking(console)
        root.addHandler(console)
        # Records below every handler's level are not even made (a debug line per request
        # costs as much as the request's own bookkeeping).
        root.setLevel(min(handler.level or logging.DEBUG for handler in root.handlers))
        # Libraries stay quiet unless asked with -vvv; our own loggers follow the verbosity.
        library_level = logging.DEBUG if self.options.verbose_level > 2 else logging.ERROR
        for name in LIBRARY_LOGGERS:
            logging.getLogger(name).setLevel(library_level)

    # -- running -----------------------------------------------------------------------------

    def run(self, argv: list[str]) -> int:
        try:
            self.options, unknown = self.parser.parse_known_args(argv)
        except SystemExit as exc:  # --version, --help, or a bad global option
            return _exit_code(exc)
        remainder = [*unknown, *getattr(self.options, COMMAND_WORDS)]
        self.configure_logging()
        if self.options.deferred_help:
            # "arcsecond --help" lists commands; "arcsecond dataset list --help" is that command's help.
            words = list(itertools.takewhile(lambda word: not word.startswith("-"), remainder))
            if not words:
                print_command_list(self, self.parser)
                return EXIT_OK
            remainder = ["help", *words]
        self.interactive_mode = not remainder
        try:
            self.initialize_app(remainder)
        except ArcsecondError as exc:
            return self.report_error(exc)
        if self.interactive_mode:
            try:
                self.interact()
            except KeyboardInterrupt:
                return EXIT_SIGINT
            return self.shell_exit_code
        try:
            return self.run_subcommand(remainder)
        except BrokenPipeError:
            _silence_broken_stdout()
            return EXIT_SIGPIPE
        except KeyboardInterrupt:
            self.stderr.write("interrupted\n")
            return EXIT_SIGINT

    def interact(self) -> None:
        from arcsecond_core.cli.shell import ArcsecondShell

        self.interpreter = ArcsecondShell(self, self.command_manager, self.stdin, self.stdout)
        self.shell_exit_code = self.interpreter.run_loop()

    def run_subcommand(self, argv: list[str]) -> int:
        """Run the command ``argv`` names through cliff, after our own checks of the name.

        An unknown name is reported here (with hints) and ``X --help`` becomes ``help X``;
        cliff then builds and runs the command, its errors reported by ``prepare_to_run_command``.
        """
        try:
            _factory, cmd_name, sub_argv = self.command_manager.find_command(argv)
        except ValueError:
            return self.report_unknown_command(argv)
        except ArcsecondError as exc:
            return self.report_error(exc)
        if _asks_for_help(sub_argv):  # one help, paged alike, from 'help X' and 'X --help'
            argv = ["help", *cmd_name.split()]
        try:
            return super().run_subcommand(argv)
        except CommandEnded as exc:  # already said what was wrong: the shell goes on
            return exc.code

    def prepare_to_run_command(self, cmd: Command) -> None:
        """Report the command's errors our way: one line, and the error's own exit code."""
        run, get_parser = cmd.run, cmd.get_parser

        def run_reporting_errors(parsed_args: argparse.Namespace) -> int:
            try:
                return run(parsed_args)
            except (HelpExit, BrokenPipeError):  # cliff's to answer: exit 0, or the pipe's code
                raise
            except Exception as exc:
                return self.report_error(exc)

        def parser_ending_commands(prog_name: str) -> argparse.ArgumentParser:
            try:
                parser = get_parser(prog_name)
            except Exception as exc:
                raise CommandEnded(self.report_error(exc)) from None
            parse_args = parser.parse_args

            def parse_or_end(*args: Any, **kwargs: Any) -> argparse.Namespace:
                try:
                    return parse_args(*args, **kwargs)
                except SystemExit as exc:
                    raise CommandEnded(_exit_code(exc)) from None

            parser.parse_args = parse_or_end  # type: ignore[method-assign]
            return parser

        cmd.run = run_reporting_errors  # type: ignore[method-assign]
        cmd.get_parser = parser_ending_commands  # type: ignore[method-assign]

    def report_error(self, exc: BaseException) -> int:
        """One line on stderr (a traceback too with ``--debug``); returns the exit code."""
        debug = getattr(getattr(self, "options", None), "debug", False)
        if isinstance(exc, Interrupted):  # said once, as it is, like Ctrl-C elsewhere
            self.stderr.write(f"{exc}\n")
        elif debug:
            self.LOG.exception(exc)
        elif isinstance(exc, ArcsecondError):
            self.LOG.error(self.in_context(str(exc)))
        else:
            text = str(exc) or type(exc).__name__
            self.LOG.error("%s (run with --debug for details)", text)
        return exc.exit_code if isinstance(exc, ArcsecondError) else EXIT_ERROR

    def hint(self, words: str) -> str:
        """How to run the command ``words`` here: ``'arcsecond words'``, or ``'words'`` in the shell."""
        return f"'{words}'" if self.interactive_mode else f"'{self.NAME} {words}'"

    def in_context(self, message: str) -> str:
        """``message`` as said here: inside the shell, commands are named without 'arcsecond '."""
        return message.replace(f"'{self.NAME} ", "'") if self.interactive_mode else message

    def report_unknown_command(self, argv: list[str]) -> int:
        from arcsecond_core.cli.legacy import replacement_hint

        hint = replacement_hint(argv[0]) if argv else None
        if hint is not None:
            self.stderr.write(f"{self.NAME}: {hint}\n")
            return EXIT_USAGE
        words = " ".join(argv)
        provider, command = _disabled_provider(self.command_manager.registry, argv)
        if provider is not None:
            self.stderr.write(
                f"{self.NAME}: '{command}' comes from plugin {provider.name!r}, which is "
                f"{provider.state} ({provider.reason}); see {self.hint('plugin list')}.\n"
            )
            return EXIT_ERROR
        help_hint = "'help'" if self.interactive_mode else f"'{self.NAME} --help'"
        self.stderr.write(f"{self.NAME}: '{words}' is not an {self.NAME} command. See {help_hint}.\n")
        matches = close_matches(argv, [name for name, _ in self.command_manager])
        if matches:
            self.stderr.write("Did you mean one of these?\n")
            for match in matches:
                self.stderr.write(f"  {match}\n")
        return EXIT_USAGE

    def clean_up(self, cmd: Command, result: int, err: BaseException | None) -> None:
        if not self.interactive_mode:
            for api in self._apis.values():
                api.close()
            self._apis.clear()

    # -- the API, built lazily on first use ------------------------------------------------------

    def api(self, portal: str | None = None, **options: Any) -> ArcsecondAPI:
        """The ArcsecondAPI for this run's server (``--api``) and ``portal``; built once."""
        from arcsecond_core.api import ArcsecondAPI

        key = (portal, tuple(sorted(options.items())))
        if key not in self._apis:
            options.setdefault("timeout", getattr(self.options, "timeout", None))
            self._apis[key] = ArcsecondAPI(self.options.api, portal, **options)
        return self._apis[key]


def close_matches(argv: list[str], names: list[str], limit: int = 5) -> list[str]:
    """Command names close to what was typed (``argv``): a typo, or a group's first word."""
    words = list(itertools.takewhile(lambda word: not word.startswith("-"), argv))
    first_words = sorted({name.split()[0] for name in names})
    found: list[str] = []
    for count in range(len(words), 0, -1):  # the command's words may be followed by arguments
        typed = " ".join(words[:count])
        found.extend(difflib.get_close_matches(typed, names, n=limit, cutoff=0.75))
    for word in difflib.get_close_matches(argv[0], first_words, n=limit, cutoff=0.75) if argv else ():
        found.extend(name for name in sorted(names) if name.split()[0] == word and name not in found)
    if argv and len(argv[0]) >= 3:  # a prefix: 'data' -> dataset, datafile ...
        found.extend(name for name in sorted(names) if name.startswith(argv[0]) and name not in found)
    return list(dict.fromkeys(found))[:limit * 2]


def _disabled_provider(plugins: Any, argv: list[str]) -> tuple[Any, str]:
    """The unavailable plugin declaring the command ``argv`` starts with (or None), and that
    command's name."""
    for count in range(len(argv), 0, -1):
        command = " ".join(argv[:count])
        entry = plugins.provider_of(command)
        if entry is not None and not entry.available:
            return entry, command
    return None, ""


def _seconds(text: str) -> float:
    """argparse type: a positive number of seconds."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not 0 < value < float("inf"):
        raise argparse.ArgumentTypeError("must be a positive number of seconds")
    return value


def _asks_for_help(argv: list[str]) -> bool:
    options = itertools.takewhile(lambda word: word != "--", argv)
    return any(word in ("-h", "--help") for word in options)


def _exit_code(exc: SystemExit) -> int:
    code = exc.code
    if code is None:
        return EXIT_OK
    if isinstance(code, int):
        return code
    return EXIT_USAGE


def _silence_broken_stdout() -> None:
    """After a closed pipe, point stdout at /dev/null so the interpreter's flush stays quiet."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass

