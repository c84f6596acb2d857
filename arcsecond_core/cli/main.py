"""The ``arcsecond`` console script."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    """Run ``arcsecond`` with ``argv`` (default: the command line) and return its exit code."""
    from arcsecond_core.cli.app import ArcsecondApp

    return ArcsecondApp().run(sys.argv[1:] if argv is None else argv)


if __name__ == "__main__":
    sys.exit(main())
