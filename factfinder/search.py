"""Full-text search over documents (FTS5 on SQLite, tsvector on PostgreSQL), ranked, with
snippets whose matches are given as offsets (``highlights``) rather than markup."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from factfinder.db import Database
from factfinder.db.dialect import HL_END, HL_START
from factfinder.documents import summaries_by_pk


@dataclass
class SearchResults:
    query: str
    total: int
    hits: list[dict[str, Any]]


def split_highlights(marked: str) -> tuple[str, list[list[int]]]:
    """Remove the engine's match markers; return the plain snippet and [start, end] spans."""
    out: list[str] = []
    spans: list[list[int]] = []
    pos = 0
    start: int | None = None
    for ch in marked:
        if ch == HL_START:
            start = pos
        elif ch == HL_END:
            if start is not None and pos > start:
                spans.append([start, pos])
            start = None
        else:
            out.append(ch)
            pos += 1
    return " ".join("".join(out).split("\n")), spans


def search(db: Database, query: str, limit: int = 10, offset: int = 0) -> SearchResults:
    query = query.strip()
    if not query:
        return SearchResults(query, 0, [])
    with db.read() as conn:
        hits, total = db.dialect.search(conn, query, limit, offset)
        docs = summaries_by_pk(conn, [h.pk for h in hits])
    results = []
    for h in hits:
        doc = docs.get(h.pk)
        if doc is None:
            continue
        snippet, spans = split_highlights(h.snippet)
        results.append({**doc, "rank": round(h.rank, 6), "snippet": snippet, "highlights": spans})
    return SearchResults(query, total, results)
