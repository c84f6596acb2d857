"""The ``arcsecond`` console script."""

from __future__ import annotations

import gc
import sys


def main(argv: list[str] | None = None) -> int:
    """Run ``arcsecond`` with ``argv`` (default: the command line) and return its exit code.

    Run as the process itself (no ``argv``), the objects left at the end are frozen out of the
    garbage collector first: the interpreter's exit then skips a last full collection of every
    object, tens of milliseconds after an upload, with nothing left to write by then (files,
    the ledger and logs are closed by the commands; modules are still torn down as usual).
    """
    from arcsecond_core.cli.app import ArcsecondApp

    code = ArcsecondApp().run(sys.argv[1:] if argv is None else argv)
    if argv is None:
        gc.freeze()
    return code


if __name__ == "__main__":
    sys.exit(main())
