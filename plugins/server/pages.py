"""A minimal HTML page per object, so that a client's "open in browser" lands somewhere."""

from __future__ import annotations

from html import escape

from werkzeug.wrappers import Response

TEMPLATE = """<!doctype html>
<html><head><meta charset="utf-8"><title>{title}</title></head>
<body><h1>{title}</h1>
<p>This is a local Arcsecond-compatible server. Its data is served as JSON at
<code>{api}</code> with an API key in the <code>X-Arcsecond-API-Authorization</code> header.</p>
</body></html>
"""


def page(resource: str, object_id: str | None = None) -> Response:
    """The page of one object, or of a resource's list when ``object_id`` is None."""
    title = escape(resource if object_id is None else f"{resource} {object_id}")
    api = escape(f"/{resource}/" if object_id is None else f"/{resource}/{object_id}/")
    return Response(TEMPLATE.format(title=title, api=api), mimetype="text/html")
