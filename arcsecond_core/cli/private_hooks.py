"""Every private hook of cliff or cmd2 this project relies on, and nothing else.

Everything else uses public interfaces. Each hook here is listed in ``PRIVATE_HOOKS`` and
checked by ``tests/core/test_private_hooks.py``, which fails naming the hook when an installed
cliff or cmd2 no longer has it (or changed its signature).
"""

from __future__ import annotations

import inspect
from typing import Any, NamedTuple

import cmd2

#: cmd2 4 completes through prompt_toolkit with a public ``complete(text, line, begidx,
#: endidx)``; cmd2 3 (the one for Python 3.10) completes through readline, whose
#: ``complete(text, state)`` hands the line to a private method.
CMD2_MAJOR = int(cmd2.__version__.split(".")[0])


class PrivateHook(NamedTuple):
    """A private attribute of a library class, the parameters we call it with, and when."""

    owner: type
    name: str
    parameters: tuple[str, ...]
    needed: bool


PRIVATE_HOOKS: tuple[PrivateHook, ...] = (
    # cmd2 3 has no public hook for completing multi-word command names at a readline prompt.
    PrivateHook(cmd2.Cmd, "_perform_completion",
                ("self", "text", "line", "begidx", "endidx", "custom_settings"), CMD2_MAJOR < 4),
)


def check(hook: PrivateHook) -> str | None:
    """Why ``hook`` is unusable with the installed library, or None when it is fine."""
    where = f"{hook.owner.__module__}.{hook.owner.__qualname__}.{hook.name}"
    target = getattr(hook.owner, hook.name, None)
    if target is None:
        return f"{where} is gone"
    parameters = tuple(inspect.signature(target).parameters)
    if parameters[: len(hook.parameters)] != hook.parameters:
        return f"{where} now takes {parameters}, not {hook.parameters}"
    return None


class ReadlineCompletion:
    """On cmd2 3, route readline completion through the shell's ``complete_arcsecond``."""

    if CMD2_MAJOR < 4:

        def _perform_completion(self, text: str, line: str, begidx: int, endidx: int,
                                custom_settings: Any = None) -> None:
            if custom_settings is None or begidx == 0:
                matches = self.complete_arcsecond(text, line, begidx, endidx)  # type: ignore[attr-defined]
                if matches is not None:
                    self.completion_matches = list(matches)
                    return
            super()._perform_completion(text, line, begidx, endidx, custom_settings)  # type: ignore[misc]
