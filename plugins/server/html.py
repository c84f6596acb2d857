"""Browser pages: a GET that prefers ``text/html`` gets the JSON handler's answer rendered as HTML.

A WSGI layer around the API application (``BrowserSite(api)``): it answers the sign-in pages and
the HTML views itself, and passes every other request to the API untouched. A view runs the
request through the API's own handler (the key header, or a browser session for HTML views only),
and the JSON it answers is rendered by the resource's own template (``<resource>_detail.html``,
``<resource>_list.html``) or the generic one. Errors become readable pages, and a 401 is the
sign-in page. The API knows nothing of this layer.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any
from urllib.parse import quote

from werkzeug.exceptions import HTTPException
from werkzeug.routing import Map, Rule
from werkzeug.utils import redirect
from werkzeug.wrappers import Request, Response

from . import browser_auth as sessions
from .auth import authenticate
from .html_context import ApiApp, Page, title_of
from .html_pages import PROVIDERS
from .rest import FILTERS_ENVIRON, IDENTITY_ENVIRON, ApiError, Identity, page_size
from .templating import label, render
from .throttle import keys_for
from .wsgi_answer import answer

#: Files a page shows inline (``<img>``), which the browser asks for with its session cookie
#: and without preferring HTML.
SESSION_FILES = frozenset({"allskycameras:image_file"})
TITLES = {400: "Bad request", 403: "Forbidden", 404: "Not found", 405: "Method not allowed"}
FOREIGN_FORM = ("This form did not come from this server's own page (or it has expired): "
                "please try again from the page.")


def wants_html(request: Request) -> bool:
    """A GET or HEAD whose ``Accept`` prefers HTML to JSON (``*/*`` and none stay JSON)."""
    if request.method not in ("GET", "HEAD"):
        return False
    return request.accept_mimetypes.best_match(["application/json", "text/html"]) == "text/html"


def here(request: Request) -> str:
    """The request's path and query, escaped as in a URL (``request.path`` is unescaped)."""
    query = request.query_string.decode("latin-1")
    return quote(request.path) + (f"?{query}" if query else "")


def html_response(body: str, status: int = 200) -> Response:
    response = Response(body, status=status, mimetype="text/html")
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = (
        "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:;"
        " form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    )
    return response


class BrowserSite:
    """The whole site as a WSGI application: the browser pages around the API application."""

    def __init__(self, api: ApiApp) -> None:
        self.api = api
        self.views = BrowserViews(api)

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        return answer(environ, start_response, self.respond, self.api.db)

    def respond(self, request: Request) -> Response:
        """The page a browser asks for, else the API's answer."""
        response = self.views.respond(request)
        return self.api.handle(request) if response is None else response


class BrowserViews:
    """The HTML face of an API application: negotiation, sign-in, pages and error pages."""

    def __init__(self, app: ApiApp) -> None:
        self.app = app
        self.db = app.db
        sessions.install(self.db)
        self.routes = Map([
            Rule("/web/sign-in/", endpoint="sign_in", methods=["GET", "HEAD", "POST"]),
            Rule("/web/sign-out/", endpoint="sign_out", methods=["GET", "HEAD", "POST"]),
            Rule("/web/<resource>/", endpoint="old_page"),
            Rule("/web/<resource>/<path:object_id>/", endpoint="old_page"),
            Rule("/live/", endpoint="live"),
            Rule("/objects/<object_id>", endpoint="object_page", strict_slashes=True),
        ], strict_slashes=False, redirect_defaults=False)

    # -- entry point ----------------------------------------------------------------------
    def respond(self, request: Request) -> Response | None:
        """The browser's answer to ``request``, or None when the JSON API answers it."""
        try:
            endpoint, args = self.routes.bind_to_environ(request.environ).match()
        except HTTPException:
            endpoint, args = None, {}
        if endpoint in ("sign_in", "sign_out"):
            return self.sign_in(request) if endpoint == "sign_in" else self.sign_out(request)
        if endpoint == "old_page":
            return self.old_page(request, args["resource"], args.get("object_id"))
        if self.session_file(request):
            return self.view(request)
        if not wants_html(request):
            return None
        if endpoint == "live":
            return redirect("/activities/", 302)
        if endpoint == "object_page":
            return redirect(f"/objects/{quote(args['object_id'], safe='')}/", 302)
        return self.view(request)

    def session_file(self, request: Request) -> bool:
        """A GET of a file in SESSION_FILES with a session cookie and no key header."""
        if request.method not in ("GET", "HEAD") or sessions.has_key_header(request):
            return False
        if not request.cookies.get(sessions.COOKIE):
            return False
        try:
            endpoint, _args = self.app.url_map.bind_to_environ(request.environ).match()
        except HTTPException:
            return False
        return endpoint in SESSION_FILES

    def viewer(self, request: Request) -> Identity | None:
        """Who reads the page: the key header's user, else the session cookie's."""
        if sessions.has_key_header(request):
            try:
                return authenticate(request, self.db)
            except ApiError:
                return None
        return sessions.session_identity(request, self.db)

    # -- pages ----------------------------------------------------------------------------
    def view(self, request: Request) -> Response:
        viewer = self.viewer(request)
        if viewer is not None and not sessions.has_key_header(request):
            request.environ[IDENTITY_ENVIRON] = viewer
        page = Page(self.app, request, viewer)
        try:
            endpoint, args = self.app.url_map.bind_to_environ(request.environ).match()
        except HTTPException:
            endpoint, args = None, {}
        page.portal = args.get("portal")
        page.resource = args.get("resource")
        page.object_id = args.get("id")
        try:
            response = self.app.handle(request)
        except ApiError as error:
            return self.error_page(page, error.status, error.body)
        if response.status_code != 200 or response.mimetype != "application/json":
            return response  # a download, or an empty answer: as the API gives it
        data = json.loads(response.get_data())
        if endpoint == "root":
            return self.home(page)
        if endpoint == "list" and isinstance(data, dict) and "results" in data:
            return self.list_page(page, data)
        return self.detail_page(page, data if isinstance(data, dict) else {"answer": data})

    def detail_page(self, page: Page, data: dict[str, Any]) -> Response:
        resource = page.resource or ""
        extra = PROVIDERS.get(resource, lambda _page, _data: {})(page, data)
        body = render((f"{resource}_detail.html", "detail.html"), page=page, data=data,
                      title=title_of(data, page.object_id or ""), resource=resource, **extra)
        return html_response(body)

    def list_page(self, page: Page, data: dict[str, Any]) -> Response:
        resource = page.resource or ""
        results = data.get("results", [])
        columns: list[str] = []
        for row in results:
            columns.extend(name for name in row if name not in columns)
        size = page_size(page.request.args.get("page_size"))
        number = int(page.request.args.get("page") or 1)
        filters = list(dict.fromkeys(page.request.environ.get(FILTERS_ENVIRON, [])))
        body = render(
            (f"{resource}_list.html", "list.html"), page=page, data=data, results=results,
            columns=columns, filters=filters, resource=resource, title=label(resource),
            page_number=number, pages=max(1, -(-int(data.get("count", 0)) // size)),
        )
        return html_response(body)

    def home(self, page: Page) -> Response:
        profile = page.fetch(f"/profiles/{quote(page.viewer.username)}/") if page.viewer else None
        resources = [name for name, r in self.app.resources.items() if not r.portal_only]
        body = render("home.html", page=page, resources=resources,
                      memberships=(profile or {}).get("memberships", []), title="Home")
        return html_response(body)

    def error_page(self, page: Page, status: int, body: dict[str, Any]) -> Response:
        if status == 401:
            return self.sign_in_page(page.request, status=401, message="Sign in to see this page.",
                                     next_path=here(page.request))
        messages = [str(body["detail"])] if "detail" in body else [
            f"{name}: {' '.join(map(str, errors)) if isinstance(errors, list) else errors}"
            for name, errors in body.items()
        ]
        html = render("error.html", page=page, status=status, messages=messages,
                      title=TITLES.get(status, f"Error {status}"))
        return html_response(html, status)

    def old_page(self, request: Request, resource: str, object_id: str | None) -> Response:
        """The former ``/web/<resource>/<id>/`` pages now live at the resource's own URL."""
        if resource not in self.app.resources:
            return self.error_page(Page(self.app, request, None), 404, {"detail": "Not found."})
        tail = f"{quote(object_id, safe='')}/" if object_id else ""
        return redirect(f"/{resource}/{tail}", 301)

    # -- signing in and out ---------------------------------------------------------------
    def sign_in_page(self, request: Request, status: int = 200, message: str = "",
                     username: str = "", next_path: str | None = None) -> Response:
        """The sign-in form; after signing in the browser goes to ``next_path`` (this server's)."""
        if next_path is None:
            source = request.form if request.method == "POST" else request.args
            next_path = source.get("next")
        token = sessions.csrf_token(request)
        body = render("sign_in.html", page=Page(self.app, request, None), title="Sign in",
                      message=message, username=username, next=sessions.safe_next(next_path),
                      passwords=sessions.users_have_passwords(self.db), csrf_token=token)
        response = html_response(body, status)
        sessions.give_csrf_cookie(response, request, token)
        if status == 401:
            response.headers["WWW-Authenticate"] = "Key"
        return response

    def sign_in(self, request: Request) -> Response:
        if request.method != "POST":
            return self.sign_in_page(request)
        if not sessions.form_is_ours(request):
            return self.sign_in_page(request, status=403, message=FOREIGN_FORM)
        username = (request.form.get("username") or "").strip()
        key = (request.form.get("key") or "").strip()
        # a password is throttled per username and address, a key per address (as the API)
        keys = keys_for(request.remote_addr, None if key else username)
        try:
            with self.app.throttle.check(keys) as outcome:
                identity = sessions.check_credentials(self.db, username, key,
                                                      request.form.get("password") or "")
                outcome[0] = identity is not None
        except ApiError as error:
            if error.status != 429:
                raise
            response = self.sign_in_page(request, status=error.status, username=username,
                                         message=str(error.body["detail"]))
            response.headers.update(error.headers)
            return response
        if identity is None:
            return self.sign_in_page(request, status=400, message=sessions.BAD_CREDENTIALS,
                                     username=username)
        token = sessions.open_session(self.db, identity)
        response = redirect(sessions.safe_next(request.form.get("next")), 303)
        sessions.set_cookie(response, request, token)
        return response

    def sign_out(self, request: Request) -> Response:
        """GET: a page asking to confirm; POST (from that page, with its token): sign out."""
        if request.method != "POST":
            token = sessions.csrf_token(request)
            page = Page(self.app, request, sessions.session_identity(request, self.db))
            response = html_response(render("sign_out.html", page=page, title="Sign out",
                                            csrf_token=token))
            sessions.give_csrf_cookie(response, request, token)
            return response
        if not sessions.form_is_ours(request):
            return self.error_page(Page(self.app, request, None), 403, {"detail": FOREIGN_FORM})
        sessions.close_session(self.db, request.cookies.get(sessions.COOKIE))
        response = redirect("/web/sign-in/", 303)
        sessions.clear_cookie(response, request)
        return response
