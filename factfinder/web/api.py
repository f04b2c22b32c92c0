"""The JSON API under /api: everything the pages show, in the library's stable JSON shapes,
with protected persons passed through ``redact``. The schema is at /openapi.json."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request

from factfinder.documents import DocumentFilter, count_documents, list_documents
from factfinder.entities.query import list_entities
from factfinder.search import SearchFilter
from factfinder.web import data
from factfinder.web.auth import can_see_protected, current_user, redactor_for
from factfinder.web.render import redact_json

router = APIRouter(prefix="/api", tags=["api"])


def _out(request: Request, value: Any) -> Any:
    return redact_json(request, value)


@router.get("/documents")
def api_documents(request: Request, limit: int = Query(100, ge=1, le=1000),
                  offset: int = Query(0, ge=0), kind: str | None = None,
                  ) -> list[dict[str, Any]]:
    """Documents in ingestion order (summaries, no text); ``kind``: only that kind."""
    with request.app.state.db.read() as conn:
        return _out(request, list_documents(conn, DocumentFilter(
            kind=kind or None, limit=limit, offset=offset,
            exclude_protected=not can_see_protected(current_user(request)))))


@router.get("/documents/counts")
def api_document_counts(request: Request) -> dict[str, int]:
    """How many documents of each kind."""
    with request.app.state.db.read() as conn:
        return count_documents(conn, exclude_protected=not can_see_protected(
            current_user(request)))


@router.get("/documents/{doc_id}")
def api_document(request: Request, doc_id: str) -> dict[str, Any]:
    """A document with its text, provenance and relations."""
    with request.app.state.db.read() as conn:
        try:
            view = data.document_view(
                conn, doc_id, show_protected=can_see_protected(current_user(request)))
        except data.Missing as exc:
            raise HTTPException(404, "no such document") from exc
    return _out(request, view["document"])


@router.get("/documents/{doc_id}/view")
def api_document_view(request: Request, doc_id: str) -> dict[str, Any]:
    """Everything the document page shows: the document, its extracted items by kind
    (mention, date, claim, quote, event; offsets into its text), the custody entries of its
    original, and the page it was cut from."""
    with request.app.state.db.read() as conn:
        try:
            return _out(request, data.hide_entities(data.document_view(
                conn, doc_id, show_protected=can_see_protected(current_user(request))),
                redactor_for(request)))
        except data.Missing as exc:
            raise HTTPException(404, "no such document") from exc


@router.get("/search")
def api_search(request: Request, q: str, limit: int = Query(10, ge=1, le=100),
               offset: int = Query(0, ge=0),
               kind: Annotated[list[str] | None, Query()] = None,
               publisher: str | None = None, since: str | None = None,
               until: str | None = None, entity: str | None = None,
               event_type: str | None = None, facets: bool = True) -> dict[str, Any]:
    """Full-text search; ``highlights`` are [start, end) offsets into each ``snippet``.
    Filters: ``kind`` (repeatable), ``publisher`` (site name), ``since`` / ``until``
    (published date prefix, inclusive), ``entity`` (an entity id mentioned), ``event_type``
    (an extracted event's type). ``facets``: counts of all matching documents (``total``, and
    top values of ``kind``, ``publisher``, ``year``, ``event_type``, ``entity``)."""
    flt = SearchFilter(kinds=tuple(k for k in (kind or []) if k), publisher=publisher or None,
                       since=since or None, until=until or None, entity=entity or None,
                       event_type=event_type or None,
                       exclude_protected=not can_see_protected(current_user(request)))
    results = data.guarded_search(request.app.state.db, q, redactor_for(request), limit=limit,
                                  offset=offset, flt=flt, with_facets=facets)
    out: dict[str, Any] = {"query": results.query, "total": results.total,
                           "hits": results.hits}
    if facets:
        out["facets"] = results.facets
    return _out(request, out)


@router.get("/entities")
def api_entities(request: Request, type: str | None = None, q: str | None = None,
                 limit: int = Query(200, ge=1, le=10000)) -> list[dict[str, Any]]:
    """Entities, most mentioned first; ``q`` matches the name or any form."""
    with request.app.state.db.read() as conn:
        return _out(request, list_entities(conn, type_=type or None, contains=q or None,
                                           limit=limit))


@router.get("/entities/{entity_id}")
def api_entity(request: Request, entity_id: str, all: bool = False) -> dict[str, Any]:
    """An entity's dossier: forms, documents, roles, claims made and about it, co-mentioned
    entities, each source's publisher and rating. Roles, claims and co-mentions are read in the
    entity's 200 documents that mention it most (``documents_read`` of ``documents_total``)
    unless ``all``."""
    with request.app.state.db.read() as conn:
        try:
            view = data.entity_view(conn, entity_id,
                                    max_documents=None if all else data.DOSSIER_DOCUMENTS)
            if redactor_for(request).hides_entity(view["id"]):
                raise data.Missing(entity_id)
            return _out(request, view)
        except data.Missing as exc:
            raise HTTPException(404, "no such entity") from exc


@router.get("/events")
def api_events(request: Request, type: str | None = None, place: str | None = None,
               since: str | None = None, until: str | None = None,
               page: int = Query(1, ge=1), per_page: int = Query(50, ge=1, le=1000),
               ) -> dict[str, Any]:
    """Events with filters (type, place substring, ISO date range), one page of them, counts
    by type, place and month, and the places with gazetteer coordinates."""
    flt = data.EventFilter(type=type or None, place=place or None, since=since or None,
                           until=until or None, page=page, per_page=per_page)
    with request.app.state.db.read() as conn:
        return _out(request, data.events_view(conn, flt))


@router.get("/ledger")
def api_ledger(request: Request, q: str | None = None, all: bool = False) -> dict[str, Any]:
    """Claim groups with their values side by side, claimants, independence and
    contradictions. ``all``: also groups without numbers or with unknown units."""
    with request.app.state.db.read() as conn:
        return _out(request, data.ledger_view(conn, q, all_groups=all))


@router.get("/ledger/{group_id}")
def api_group(request: Request, group_id: str) -> dict[str, Any]:
    """One claim group (a unique id prefix)."""
    with request.app.state.db.read() as conn:
        try:
            return _out(request, data.group_view(conn, group_id))
        except data.Missing as exc:
            raise HTTPException(404, "no such group") from exc


@router.get("/lists")
def api_lists(request: Request) -> dict[str, Any]:
    """Stored lists, the latest linkage run, people by combination of lists, and estimates
    of the total by method with intervals and warnings."""
    with request.app.state.db.read() as conn:
        return _out(request, data.lists_view(conn))
