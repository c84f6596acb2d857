"""One WSGI answer from a request handler: its API errors as JSON, the database released after.

The API application answers through it, and so does the HTML layer wrapped around it, so both
report errors the same way.
"""

from __future__ import annotations

import sys
import traceback
from collections.abc import Callable, Iterable
from typing import Any

from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Request, Response
from werkzeug.wsgi import FileWrapper

from .db import Database
from .rest import ApiError, json_response

#: The blocks a data file is sent in. Werkzeug asks for 8 KiB, a turn of a Python loop per 8 KiB:
#: at 200 MB that loop, not the network, bounds the rate.
SEND_BLOCK = 1024 * 1024


def file_wrapper(file: Any, buffer_size: int = 8192) -> FileWrapper:
    """``wsgi.file_wrapper`` for engines without one: a file sent in blocks of SEND_BLOCK."""
    return FileWrapper(file, max(buffer_size, SEND_BLOCK))


def answer(environ: dict[str, Any], start_response: Any, handler: Callable[[Request], Response],
           db: Database) -> Iterable[bytes]:
    """``handler``'s response to the request; an error becomes the API's JSON error answer."""
    environ.setdefault("wsgi.file_wrapper", file_wrapper)
    request = Request(environ)
    try:
        response = handler(request)
    except ApiError as error:
        response = error.response()
    except HTTPException as error:
        response = json_response({"detail": error.description}, error.code or 500)
    except Exception:
        traceback.print_exc(file=sys.stderr)
        response = json_response({"detail": "A server error occurred."}, 500)
    finally:
        db.release()
    return response(environ, start_response)
