"""FastAPI app over the library API: ``create_app(db)`` builds it from routers (``pages`` for
HTML, ``api`` for JSON under /api) and the shared pieces (templates, the evidence store).

Ingested text is hostile: templates autoescape, highlighting builds markup only from offsets
(``render``), and every response has a strict Content-Security-Policy: scripts only from this
server (the vendored HTMX), no inline scripts, no eval.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from factfinder import __version__
from factfinder.config import resolve_evidence_dir
from factfinder.db import Database
from factfinder.store import EvidenceStore
from factfinder.web import render

HERE = Path(__file__).parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"
CSP = ("default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
       "img-src 'self' data:; connect-src 'self'; form-action 'self'; base-uri 'none'; "
       "frame-ancestors 'none'; object-src 'none'")
highlight = render.highlight  # kept for callers of the first version


def make_templates() -> Jinja2Templates:
    from factfinder.web.auth import csrf_input

    templates = Jinja2Templates(directory=str(TEMPLATES))
    env = templates.env
    env.globals.update(highlight=render.highlight, annotate=render.annotate,
                       redact=render.redact, bar_chart=render.bar_chart,
                       network=render.network, upset=render.upset, place_map=render.place_map,
                       core_points=render.core_points, timeline=render.timeline,
                       csrf_input=csrf_input)
    return templates


def create_app(db: Database, store: EvidenceStore | None = None, *, auth: bool = True,
               public_read: bool = False, public_submit: bool = False,
               cookie_secure: bool = False) -> FastAPI:
    """The web app for one case database. ``store``: the evidence store for downloads of
    originals (default: the one beside the database, as the CLI finds it). With ``auth`` (the
    default) every page and API call needs a logged-in user (docs/access.md); ``public_read``
    lets anonymous visitors read, ``public_submit`` send the submission form, ``cookie_secure``
    sends cookies over HTTPS only."""
    # No Swagger UI: it loads scripts from a CDN, and this app works offline. The schema is at
    # /openapi.json.
    app = FastAPI(title="factfinder", version=__version__, docs_url=None, redoc_url=None)
    app.state.db = db
    app.state.store = store or EvidenceStore(resolve_evidence_dir(db.url))
    app.state.templates = make_templates()

    @app.middleware("http")
    async def security_headers(request: Request, call_next: Any) -> Response:
        response: Response = await call_next(request)
        response.headers["Content-Security-Policy"] = CSP
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers.setdefault("X-Frame-Options", "DENY")
        if not request.url.path.startswith("/static/"):  # case data: never kept in caches
            response.headers.setdefault("Cache-Control", "no-store")
        return response

    from factfinder.web import api, pages, review, submit

    app.include_router(pages.router)
    app.include_router(api.router)
    app.include_router(review.router)
    submit.install(app)
    app.mount("/static", StaticFiles(directory=str(STATIC)), name="static")
    if auth:  # last: its middleware is the outermost, nothing runs before the access check
        from factfinder.web.auth import install_auth

        install_auth(app, db, public_read=public_read, public_submit=public_submit,
                     cookie_secure=cookie_secure)
    return app
