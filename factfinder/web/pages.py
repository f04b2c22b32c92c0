"""HTML pages. Each page is one call into ``data`` (or the library), its result passed through
``redact_json`` and rendered by a template; HTMX asks for the same routes with ``HX-Request``
and gets only the fragment it swaps."""

from __future__ import annotations

import re
from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, Response

from factfinder.documents import DocumentFilter, count_documents, get_document, list_documents
from factfinder.entities.query import list_entities
from factfinder.search import search
from factfinder.web import data
from factfinder.web.auth import require_protected
from factfinder.web.render import redact_json

router = APIRouter(default_response_class=HTMLResponse)
PAGE = 50


def _render(request: Request, name: str, context: dict[str, Any]) -> Response:
    templates = request.app.state.templates
    return templates.TemplateResponse(request, name, redact_json(request, context))


def _htmx(request: Request) -> bool:
    return request.headers.get("HX-Request") == "true"


@router.get("/")
def home(request: Request, page: int = Query(1, ge=1), kind: str | None = None) -> Response:
    with request.app.state.db.read() as conn:
        docs = list_documents(conn, DocumentFilter(kind=kind or None, limit=PAGE,
                                                   offset=(page - 1) * PAGE))
        counts = count_documents(conn)
    return _render(request, "home.html", {
        "docs": docs, "counts": counts, "page": page, "more": len(docs) == PAGE,
        "kind": kind or ""})


@router.get("/search")
def search_page(request: Request, q: str = "", page: int = Query(1, ge=1)) -> Response:
    results = search(request.app.state.db, q, limit=20, offset=(page - 1) * 20) \
        if q.strip() else None
    words = q.strip().strip('"')
    ents: list[dict[str, Any]] = []
    if results is not None and len(words) >= 3 and not any(c in words for c in '*"()'):
        with request.app.state.db.read() as conn:  # people, places … named like the query
            ents = list_entities(conn, contains=words, limit=10)
    return _render(request, "search.html", {"q": q, "results": results, "page": page,
                                            "entities": ents})


@router.get("/documents/{doc_id}")
def document_page(request: Request, doc_id: str) -> Response:
    try:
        with request.app.state.db.read() as conn:
            view = data.document_view(conn, doc_id)
    except data.Missing as exc:
        raise HTTPException(404, "no such document") from exc
    items = [i for kind in data.KINDS for i in view["items"][kind]]
    return _render(request, "document.html", {**view, "doc": view["document"],
                                              "all_items": items})


SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


@router.get("/documents/{doc_id}/original", response_class=Response,
            responses={200: {"content": {"application/octet-stream": {}}}},
            dependencies=[Depends(require_protected)])
def document_original(request: Request, doc_id: str) -> Response:
    """The original bytes, always as a download (never rendered: it may be hostile HTML).
    Only for roles that may see protected persons: an original is never redacted."""
    with request.app.state.db.read() as conn:
        doc = get_document(conn, doc_id)
    if doc is None:
        raise HTTPException(404, "no such document")
    sha = doc["original"]["sha256"]
    store = request.app.state.store
    if not store.has(sha):
        raise HTTPException(404, "the original is not in the evidence store")
    name = SAFE_NAME.sub("_", doc["original"].get("filename") or "")[:100].strip("._") or sha
    return FileResponse(store.path_for(sha), media_type="application/octet-stream",
                        filename=name, content_disposition_type="attachment")


@router.get("/entities")
def entities_page(request: Request, type: str | None = None, q: str | None = None,
                  ) -> Response:
    with request.app.state.db.read() as conn:
        rows = list_entities(conn, type_=type or None, contains=q or None, limit=200)
    return _render(request, "entities.html", {"entities": rows, "type": type or "",
                                              "q": q or ""})


@router.get("/entities/{entity_id}")
def dossier_page(request: Request, entity_id: str) -> Response:
    try:
        with request.app.state.db.read() as conn:
            view = data.entity_view(conn, entity_id)
    except data.Missing as exc:
        raise HTTPException(404, "no such entity") from exc
    return _render(request, "dossier.html", {"e": view})


@router.get("/events")
def events_page(request: Request, type: str | None = None, place: str | None = None,
                since: str | None = None, until: str | None = None,
                page: int = Query(1, ge=1)) -> Response:
    flt = data.EventFilter(type=type or None, place=place or None, since=since or None,
                           until=until or None, page=page)
    with request.app.state.db.read() as conn:
        view = data.events_view(conn, flt)
    ctx = {"v": view, "f": flt}
    response = _render(request, "events_results.html" if _htmx(request) else "events.html", ctx)
    response.headers["Vary"] = "HX-Request"  # the same address answers a page or a fragment
    return response


@router.get("/ledger")
def ledger_page(request: Request, q: str | None = None, all: bool = False) -> Response:
    with request.app.state.db.read() as conn:
        view = data.ledger_view(conn, q, all_groups=all)
    return _render(request, "ledger.html", {"groups": view["groups"], "lq": q or "",
                                            "all": all})


@router.get("/ledger/{group_id}")
def group_page(request: Request, group_id: str) -> Response:
    try:
        with request.app.state.db.read() as conn:
            group = data.group_view(conn, group_id)
    except data.Missing as exc:
        raise HTTPException(404, "no such group") from exc
    return _render(request, "group.html", {"g": group})


@router.get("/lists")
def lists_page(request: Request) -> Response:
    with request.app.state.db.read() as conn:
        view = data.lists_view(conn)
    return _render(request, "lists.html", {"v": view})
