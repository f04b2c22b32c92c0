"""Full-text search over documents (FTS5 on SQLite, tsvector on PostgreSQL), ranked, with
snippets whose matches are given as offsets (``highlights``) rather than markup; filters
(:class:`SearchFilter`) and facet counts for the matching documents (:func:`facets`)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import bindparam, text

from factfinder.db import Database
from factfinder.db.dialect import HL_END, HL_START
from factfinder.documents import PROTECTED_MARK, summaries_by_pk

# How a protected document's ``meta`` JSON reads (written by ``json.dumps``, so always with this
# spacing; the same pattern as ``documents.PROTECTED_MARK``).
PROTECTED_LIKE = PROTECTED_MARK


@dataclass(frozen=True)
class SearchFilter:
    """Which matching documents to keep. Every field is optional; values of one field are
    ORed (``kinds``), fields are ANDed.

    * ``kinds``: document kinds (``article``, ``report``, ``post`` …);
    * ``publisher``: the document's site name, exactly;
    * ``since`` / ``until``: the published date's prefix (``2019``, ``2019-11``,
      ``2019-11-16``), inclusive; documents without a date are left out when either is given;
    * ``entity``: documents mentioning this entity id (``entity_documents``);
    * ``event_type``: documents with an extracted event of this type (its label);
    * ``exclude_protected``: leave out protected documents (submissions from families and
      witnesses, marked ``"protected": true`` in their ``meta`` by factfinder/web/submit.py);
      the web app sets it for roles that may not see protected persons.
    """

    kinds: tuple[str, ...] = ()
    publisher: str | None = None
    since: str | None = None
    until: str | None = None
    entity: str | None = None
    event_type: str | None = None
    exclude_protected: bool = False

    def active(self) -> bool:
        """Whether any filter is set (``exclude_protected`` aside)."""
        return bool(self.kinds or self.publisher or self.since or self.until or self.entity
                    or self.event_type)

    def sql(self) -> tuple[str, dict[str, object]]:
        """A condition on the ``documents`` table, portable between SQLite and PostgreSQL,
        with its parameters (named ``f_…``)."""
        conds: list[str] = []
        params: dict[str, object] = {}
        if self.kinds:
            names = [f"f_kind{i}" for i in range(len(self.kinds))]
            conds.append(f"documents.kind IN ({', '.join(':' + n for n in names)})")
            params.update(zip(names, self.kinds, strict=True))
        if self.publisher:
            conds.append("documents.site_name = :f_publisher")
            params["f_publisher"] = self.publisher
        if self.since:
            # compare as many characters as given: "2019" keeps all of 2019 onwards
            conds.append("substr(documents.published, 1, :f_since_n) >= :f_since")
            params.update(f_since=self.since, f_since_n=len(self.since))
        if self.until:
            conds.append("substr(documents.published, 1, :f_until_n) <= :f_until")
            params.update(f_until=self.until, f_until_n=len(self.until))
        if self.entity:
            conds.append("documents.pk IN (SELECT ed.document_pk FROM entity_documents ed "
                         "JOIN entities e ON e.pk = ed.entity_pk WHERE e.id = :f_entity)")
            params["f_entity"] = self.entity
        if self.exclude_protected:
            conds.append("documents.meta NOT LIKE :f_protected")
            params["f_protected"] = PROTECTED_LIKE
        if self.event_type:
            conds.append("documents.pk IN (SELECT document_pk FROM event_documents "
                         "WHERE label = :f_event)")
            params["f_event"] = self.event_type
        return " AND ".join(conds), params


@dataclass
class SearchResults:
    query: str
    total: int
    hits: list[dict[str, Any]]
    facets: dict[str, Any] = field(default_factory=dict)


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


def search(db: Database, query: str, limit: int = 10, offset: int = 0,
           flt: SearchFilter | None = None, with_facets: bool = False,
           facet_limit: int = 10, exclude_protected: bool = False) -> SearchResults:
    """A page of ranked hits for ``query`` among the documents ``flt`` keeps; with
    ``with_facets``, the facet counts of every matching document (see :func:`facets`).
    ``exclude_protected``: leave out protected documents (whatever ``flt`` says)."""
    query = query.strip()
    flt = flt or SearchFilter()
    if exclude_protected and not flt.exclude_protected:
        flt = replace(flt, exclude_protected=True)
    if not query:
        return SearchResults(query, 0, [], {} if not with_facets else _empty_facets())
    where, params = flt.sql()
    with db.read() as conn:
        hits, total = db.dialect.search(conn, query, limit, offset, where, params)
        docs = summaries_by_pk(conn, [h.pk for h in hits])
        counts = _facets(db, conn, query, flt, facet_limit) if with_facets else {}
    results = []
    for h in hits:
        doc = docs.get(h.pk)
        if doc is None:
            continue
        snippet, spans = split_highlights(h.snippet)
        results.append({**doc, "rank": round(h.rank, 6), "snippet": snippet, "highlights": spans})
    return SearchResults(query, total, results, counts)


FACETS = ("kind", "publisher", "year", "event_type", "entity")


def _empty_facets() -> dict[str, Any]:
    return {"total": 0, **{name: [] for name in FACETS}}


def facets(db: Database, query: str, flt: SearchFilter | None = None,
           limit: int = 10) -> dict[str, Any]:
    """Facet counts over every document matching ``query`` and ``flt``: ``total``, and the top
    ``limit`` values (most documents first) of ``kind``, ``publisher`` (site name), ``year``
    (published), ``event_type`` (documents with such an event) and ``entity`` (documents
    mentioning it; with the entity's name and type), each as ``{"value", "count"}``."""
    query = query.strip()
    if not query:
        return _empty_facets()
    with db.read() as conn:
        return _facets(db, conn, query, flt or SearchFilter(), limit)


def _facets(db: Database, conn: Any, query: str, flt: SearchFilter,
            limit: int) -> dict[str, Any]:
    match = db.dialect.match_sql(query)
    if match is None:
        return _empty_facets()
    match_sql, params = match
    where, fparams = flt.sql()
    # One statement: the matching documents once (m), then a count per facet value.
    m = (f"SELECT documents.pk, documents.kind, documents.site_name, documents.published "
         f"FROM documents WHERE documents.pk IN ({match_sql})"
         + (f" AND {where}" if where else ""))
    sql = (
        f"WITH m AS ({m}) "
        "SELECT 'total', NULL, count(*) FROM m "
        "UNION ALL SELECT 'kind', kind, count(*) FROM m GROUP BY kind "
        "UNION ALL SELECT 'publisher', site_name, count(*) FROM m "
        "WHERE site_name IS NOT NULL GROUP BY site_name "
        "UNION ALL SELECT 'year', substr(published, 1, 4), count(*) FROM m "
        "WHERE published IS NOT NULL GROUP BY substr(published, 1, 4) "
        "UNION ALL SELECT 'event_type', ev.label, count(*) FROM event_documents ev "
        "WHERE ev.document_pk IN (SELECT pk FROM m) GROUP BY ev.label "
        "UNION ALL SELECT 'entity', CAST(ed.entity_pk AS TEXT), count(*) FROM entity_documents ed "
        "WHERE ed.document_pk IN (SELECT pk FROM m) GROUP BY ed.entity_pk"
    )
    out: dict[str, Any] = _empty_facets()
    groups: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for name, value, n in conn.execute(text(sql), {**params, **fparams}):
        if name == "total":
            out["total"] = int(n)
        elif value is not None and value != "":
            groups[name].append((str(value), int(n)))
    for name in FACETS:
        top = sorted(groups[name], key=lambda vn: (-vn[1], vn[0]))
        # a date range is read in order
        top = sorted(top[:limit]) if name == "year" else top[:limit]
        out[name] = [{"value": v, "count": n} for v, n in top]
    if out["entity"]:  # counted by entity pk: their ids, names and types
        pks = [int(e["value"]) for e in out["entity"]]
        names = {str(r[0]): (r[1], r[2], r[3]) for r in conn.execute(
            text("SELECT pk, id, name, type FROM entities WHERE pk IN :pks").bindparams(
                bindparam("pks", expanding=True)), {"pks": pks})}
        out["entity"] = [{"value": names[e["value"]][0], "count": e["count"],
                          "name": names[e["value"]][1], "type": names[e["value"]][2]}
                         for e in out["entity"] if e["value"] in names]
    return out
