"""File names in ``multipart/form-data``, carried exactly in both directions.

RFC 7578 (section 4.2) and the HTML form rules put the file name in the ``filename`` parameter
of ``Content-Disposition`` as a quoted string, UTF-8 as it is, with ``"``, CR and LF written
``%22``, ``%0D`` and ``%0A``. Ours adds ``%`` (``%25``), ``\\`` (``%5C``) and the other control
characters, so that every name survives, a name with ``%22`` or a backslash in it included;
names without those characters are sent as they are. The decoder reads what public clients
(browsers, requests and urllib3) send as well: a backslash is kept as it is, and only the
escapes of the characters above are undone.
"""

from __future__ import annotations

import re

ENCODED = frozenset({*(chr(code) for code in range(0x20)), "\x7f", '"', "%", "\\"})
_ESCAPE = re.compile("[" + re.escape("".join(sorted(ENCODED))) + "]")
_UNESCAPE = re.compile(
    "%(" + "|".join(f"{ord(char):02X}" for char in sorted(ENCODED)) + ")", re.IGNORECASE
)
_PARAMETER = re.compile(r';\s*([^\s=;]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^;]*)', re.DOTALL)
#: The longest name a data file may have, in bytes of UTF-8 (a file system's limit).
MAX_NAME_BYTES = 255


def encode_filename(name: str) -> str:
    """``name`` as the quoted ``filename`` parameter holds it (without the quotes)."""
    return _ESCAPE.sub(lambda match: f"%{ord(match.group()):02X}", name)


def decode_filename(value: str) -> str:
    """The name a ``filename`` parameter's text (without the quotes) stands for."""
    return _UNESCAPE.sub(lambda match: chr(int(match.group(1), 16)), value)


def content_disposition(field: str, file_name: str) -> str:
    """The ``Content-Disposition`` value of a file part."""
    return f'form-data; name="{encode_filename(field)}"; filename="{encode_filename(file_name)}"'


def filename_parameter(header: str) -> str | None:
    """The decoded ``filename`` of a ``Content-Disposition`` value, or None when it has none.

    In a quoted value ``\\"`` and ``\\\\`` stand for ``"`` and ``\\`` (quoted pairs); any other
    backslash is a character of the name.
    """
    for match in _PARAMETER.finditer(header):
        if match.group(1).lower() != "filename":
            continue
        raw = match.group(2).strip()
        if len(raw) >= 2 and raw.startswith('"') and raw.endswith('"'):
            raw = re.sub(r'\\(["\\])', r"\1", raw[1:-1])
        return decode_filename(raw)
    return None


def name_problem(name: str) -> str | None:
    """Why ``name`` cannot be a data file's name (Django REST framework's wording), or None."""
    if not name:
        return "The submitted file has no name."
    if name in (".", ".."):
        return f"{name!r} is not a valid file name."
    if "\x00" in name:
        return "Null characters are not allowed."
    size = len(name.encode("utf-8", "surrogatepass"))
    if size > MAX_NAME_BYTES:
        return f"Ensure this filename has at most {MAX_NAME_BYTES} bytes (it has {size})."
    return None
