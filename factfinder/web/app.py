"""FastAPI app over the library API. Everything shown comes from ``factfinder.documents`` and
``factfinder.search``; pages add no logic of their own.

Ingested text is hostile: templates autoescape, snippets carry highlight offsets (never markup),
and every response has a strict Content-Security-Policy (no scripts at all on these pages).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import FastAPI, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates
from markupsafe import Markup, escape

from factfinder import __version__
from factfinder.db import Database
from factfinder.documents import DocumentFilter, count_documents, get_document, list_documents
from factfinder.search import search

TEMPLATES = Path(__file__).with_name("templates")
CSP = ("default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self'; "
       "form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
PAGE = 50


def highlight(snippet: str, spans: list[list[int]]) -> Markup:
    out, pos = [], 0
    for start, end in spans:
        out.append(str(escape(snippet[pos:start])))
        out.append(f"<mark>{escape(snippet[start:end])}</mark>")
        pos = end
    out.append(str(escape(snippet[pos:])))
    return Markup("".join(out))


def create_app(db: Database) -> FastAPI:
    # No Swagger UI: it loads scripts from a CDN, and this app works offline. The schema is at
    # /openapi.json.
    app = FastAPI(title="factfinder", version=__version__, docs_url=None, redoc_url=None)
    templates = Jinja2Templates(directory=str(TEMPLATES))
    templates.env.globals["highlight"] = highlight

    @app.middleware("http")
    async def security_headers(request: Request, call_next: Any) -> Response:
        response: Response = await call_next(request)
        response.headers["Content-Security-Policy"] = CSP
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        return response

    @app.get("/", response_class=HTMLResponse)
    def home(request: Request, page: int = Query(1, ge=1)) -> Response:
        with db.read() as conn:
            docs = list_documents(conn, DocumentFilter(limit=PAGE, offset=(page - 1) * PAGE))
            counts = count_documents(conn)
        return templates.TemplateResponse(request, "home.html", {
            "docs": docs, "counts": counts, "page": page, "more": len(docs) == PAGE})

    @app.get("/search", response_class=HTMLResponse)
    def search_page(request: Request, q: str = "", page: int = Query(1, ge=1)) -> Response:
        results = search(db, q, limit=20, offset=(page - 1) * 20) if q.strip() else None
        return templates.TemplateResponse(request, "search.html", {
            "q": q, "results": results, "page": page})

    @app.get("/documents/{doc_id}", response_class=HTMLResponse)
    def document_page(request: Request, doc_id: str) -> Response:
        with db.read() as conn:
            doc = get_document(conn, doc_id)
        if doc is None:
            raise HTTPException(404, "no such document")
        return templates.TemplateResponse(request, "document.html", {"doc": doc})

    @app.get("/api/documents")
    def api_documents(limit: int = Query(100, ge=1, le=1000), offset: int = Query(0, ge=0),
                      ) -> list[dict[str, Any]]:
        with db.read() as conn:
            return list_documents(conn, DocumentFilter(limit=limit, offset=offset))

    @app.get("/api/documents/{doc_id}")
    def api_document(doc_id: str) -> dict[str, Any]:
        with db.read() as conn:
            doc = get_document(conn, doc_id)
        if doc is None:
            raise HTTPException(404, "no such document")
        return doc

    @app.get("/api/search")
    def api_search(q: str, limit: int = Query(10, ge=1, le=100), offset: int = Query(0, ge=0),
                   ) -> dict[str, Any]:
        results = search(db, q, limit=limit, offset=offset)
        return {"query": results.query, "total": results.total, "hits": results.hits}

    return app
