"""HTML pages. Each page is one call into ``data`` (or the library), its result passed through
``redact_json`` and rendered by a template; HTMX asks for the same routes with ``HX-Request``
and gets only the fragment it swaps."""

from __future__ import annotations

import re
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, Response

from factfinder.documents import DocumentFilter, count_documents, get_document, list_documents
from factfinder.entities.query import list_entities
from factfinder.search import SearchFilter
from factfinder.web import data
from factfinder.web.auth import (
    can_see_protected,
    current_user,
    redactor_for,
    require_protected,
)
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
        docs = list_documents(conn, DocumentFilter(
            kind=kind or None, limit=PAGE, offset=(page - 1) * PAGE,
            exclude_protected=not can_see_protected(current_user(request))))
        counts = count_documents(conn, exclude_protected=not can_see_protected(
            current_user(request)))
    return _render(request, "home.html", {
        "docs": docs, "counts": counts, "page": page, "more": len(docs) == PAGE,
        "kind": kind or ""})


SEARCH_PAGE = 20
# facet name → the query parameter that filters on it
FACET_PARAMS = {"kind": "kind", "publisher": "publisher", "event_type": "event_type",
                "entity": "entity"}


def _search_url(params: list[tuple[str, str]]) -> str:
    return "/search?" + urlencode([(k, v) for k, v in params if v])


@router.get("/search")
def search_page(request: Request, q: str = "", page: int = Query(1, ge=1),
                kind: Annotated[list[str] | None, Query()] = None,
                publisher: str = "", since: str = "", until: str = "", entity: str = "",
                event_type: str = "") -> Response:
    kinds = [k for k in (kind or []) if k]
    flt = SearchFilter(kinds=tuple(kinds), publisher=publisher or None, since=since or None,
                       until=until or None, entity=entity or None,
                       event_type=event_type or None,
                       exclude_protected=not can_see_protected(current_user(request)))
    results = data.guarded_search(request.app.state.db, q, redactor_for(request),
                                  limit=SEARCH_PAGE, offset=(page - 1) * SEARCH_PAGE, flt=flt,
                                  with_facets=True) if q.strip() else None
    words = q.strip().strip('"')
    ents: list[dict[str, Any]] = []
    if results is not None and len(words) >= 3 and not any(c in words for c in '*"()'):
        with request.app.state.db.read() as conn:  # people, places … named like the query
            ents = list_entities(conn, contains=words, limit=10)
    # the current filters as query parameters; facet links add one, "remove" links drop one
    current = [("q", q), *[("kind", k) for k in kinds], ("publisher", publisher),
               ("since", since), ("until", until), ("entity", entity),
               ("event_type", event_type)]
    links: dict[str, list[dict[str, Any]]] = {}
    active: list[dict[str, str]] = []
    if results is not None:
        for name, param in FACET_PARAMS.items():
            rows = []
            for v in results.facets.get(name, []):
                chosen = v["value"] in kinds if param == "kind" else \
                    dict(current).get(param) == v["value"]
                others = [(k, x) for k, x in current if not (k == param and (
                    param != "kind" or x == v["value"]))]
                href = _search_url(others if chosen else [*others, (param, v["value"])])
                rows.append({**v, "href": href, "chosen": chosen})
            links[name] = rows
        # a year narrows the date range to that year
        links["year"] = [{**v, "chosen": since == until == v["value"], "href": _search_url(
            [*[(k, x) for k, x in current if k not in ("since", "until")],
             ("since", v["value"]), ("until", v["value"])])}
            for v in results.facets.get("year", [])]
        for k, x in current:
            if k != "q" and x:
                label = x
                if k == "entity":
                    label = next((e.get("name") or x for e in results.facets.get("entity", [])
                                  if e["value"] == x), x)
                active.append({"param": k.replace("_", " "), "value": label,
                               "href": _search_url([(a, b) for a, b in current
                                                    if (a, b) != (k, x)])})
    page_url = {n: _search_url([*current, ("page", str(n))]) for n in (page - 1, page + 1)}
    return _render(request, "search.html", {
        "q": q, "results": results, "page": page, "entities": ents, "per_page": SEARCH_PAGE,
        "f": {"kinds": kinds, "publisher": publisher, "since": since, "until": until,
              "entity": entity, "event_type": event_type},
        "facet_links": links, "active": active, "page_url": page_url})


@router.get("/documents/{doc_id}")
def document_page(request: Request, doc_id: str) -> Response:
    try:
        with request.app.state.db.read() as conn:
            view = data.hide_entities(data.document_view(
                conn, doc_id, show_protected=can_see_protected(current_user(request))),
                redactor_for(request))
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
def dossier_page(request: Request, entity_id: str, all: bool = False) -> Response:
    try:
        with request.app.state.db.read() as conn:
            view = data.entity_view(conn, entity_id,
                                    max_documents=None if all else data.DOSSIER_DOCUMENTS)
        if redactor_for(request).hides_entity(view["id"]):
            raise data.Missing(entity_id)
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
