"""Arcsecond CLI core: config, auth, the HTTP session, resource clients and base commands."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from arcsecond_core.api import ArcsecondAPI

__all__ = ["ArcsecondAPI", "__version__"]


def __getattr__(name: str) -> Any:
    # Imported on first use so that ``arcsecond --version`` does not pay for requests.
    if name == "ArcsecondAPI":
        from arcsecond_core.api import ArcsecondAPI

        return ArcsecondAPI
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
