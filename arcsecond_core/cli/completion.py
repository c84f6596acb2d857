"""``arcsecond complete``: Tab completion for bash and zsh, outside the interactive shell.

Built on cliff's public completion classes (``CompleteCommand``, ``CompleteDictionary``,
``CompleteShellBase``). The script needs neither the bash-completion package nor zsh's own
completion system: it reads ``COMP_WORDS``/``COMP_CWORD``, which bash sets and zsh's
``bashcompinit`` provides.
"""

from __future__ import annotations

import argparse
from typing import TextIO

from cliff.command import Command
from cliff.complete import CompleteCommand, CompleteDictionary, CompleteShellBase

from arcsecond_core.errors import ArcsecondError

SHELLS = ("bash", "zsh")
#: The one line for ~/.bashrc (or ~/.zshrc with --shell zsh).
RC_LINE = 'eval "$(arcsecond complete --shell bash)"'


class CompletionScript(CompleteShellBase):
    """A completion function for bash, or for zsh through ``bashcompinit``."""

    def __init__(self, name: str, output: TextIO, shell: str) -> None:
        super().__init__(name, output)
        self.shell = shell

    def get_header(self) -> str:
        preamble = ""
        if self.shell == "zsh":
            preamble = (
                "(( $+functions[compdef] )) || { autoload -U +X compinit && compinit; }\n"
                "autoload -U +X bashcompinit && bashcompinit\n"
            )
        # ${array[@]:offset:length} counts from 0 in bash and zsh alike.
        return preamble + f"""_{self.escaped_name}()
{{
  local cur comp completed cmd proposed var name
  COMPREPLY=()
  cur="${{COMP_WORDS[@]:$COMP_CWORD:1}}"
  # Command data:
"""

    def get_trailer(self) -> str:
        return f"""
  cmd=""
  completed="${{cmds}}"
  for var in "${{COMP_WORDS[@]:1:$((COMP_CWORD - 1))}}"
  do
    case "${{var}}" in -*) break ;; esac
    if [ -z "${{cmd}}" ] ; then proposed="${{var}}" ; else proposed="${{cmd}}_${{var}}" ; fi
    name="cmds_${{proposed//-/_}}"
    case "${{name}}" in *[!A-Za-z0-9_]*) completed="" ; break ;; esac
    eval "comp=\\"\\${{${{name}}:-}}\\""
    if [ -z "${{comp}}" ] ; then completed="" ; break ; fi
    cmd="${{proposed}}"
    completed="${{comp}}"
  done
  case "${{completed}}" in
    -*) case "${{cur}}" in -*) ;; *) completed="" ;; esac ;;
  esac
  if [ -z "${{completed}}" ] ; then
    COMPREPLY=( $(compgen -f -- "${{cur}}") )
  else
    COMPREPLY=( $(compgen -W "${{completed}}" -- "${{cur}}") )
  fi
  return 0
}}
complete -F _{self.escaped_name} {self.name}
"""


class Complete(CompleteCommand):
    """Print a bash or zsh completion script: add 'eval "$(arcsecond complete)"' to ~/.bashrc"""

    def get_epilog(self) -> str:
        return f"In ~/.bashrc: {RC_LINE}\nIn ~/.zshrc:  {RC_LINE.replace('bash', 'zsh')}"

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = Command.get_parser(self, prog_name)
        parser.add_argument(
            "--name", default=None, metavar="COMMAND",
            help="The command to complete (default: arcsecond).",
        )
        parser.add_argument(
            "--shell", default="bash", choices=SHELLS, help="The shell (default: bash).",
        )
        return parser

    def get_actions(self, command: list[str]) -> list[argparse.Action]:
        try:
            return super().get_actions(command)
        except ArcsecondError:  # a plugin that does not load: its command completes by name only
            return []

    def take_action(self, parsed_args: argparse.Namespace) -> int:
        dictionary = CompleteDictionary()
        for name, _command in sorted(self.app.command_manager):
            words = name.split()
            dictionary.add_command(words, self.get_actions(words))
        script = CompletionScript(parsed_args.name or self.app.NAME, self.app.stdout,
                                  parsed_args.shell)
        script.write(dictionary.get_commands(), dictionary.get_data())
        return 0
