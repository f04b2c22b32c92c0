"""Everything that differs between SQLite and PostgreSQL lives here, and nowhere else.

* full-text search: an FTS5 table (external content) on SQLite, a generated ``tsvector`` column
  with a GIN index on PostgreSQL; both stem English and fold diacritics;
* write serialisation for the custody chain: SQLite's ``BEGIN IMMEDIATE``, a transaction-level
  advisory lock on PostgreSQL.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.engine import Connection

CUSTODY_LOCK_KEY = 0x66616374  # "fact"

# Private-use characters that the engines put around matches in a snippet; callers turn them into
# offsets (``highlights``) so no markup ever travels inside text.
HL_START = "\ue000"
HL_END = "\ue001"


@dataclass
class SearchHit:
    pk: int
    rank: float
    snippet: str


class Dialect:
    name = "base"

    def create_search_index(self, conn: Connection) -> None:
        raise NotImplementedError

    def drop_search_index(self, conn: Connection) -> None:
        raise NotImplementedError

    def index_documents(self, conn: Connection, rows: list[dict[str, object]]) -> None:
        """Add documents (``pk``, ``title``, ``body``) to the search index, in the transaction
        that inserts them."""

    def allocate_pks(self, conn: Connection, n: int) -> list[int]:
        """``n`` new primary keys for ``documents`` (inside a write transaction)."""
        raise NotImplementedError

    def lock_for_write(self, conn: Connection) -> None:
        """Serialise writers that append to the custody chain."""

    def search(
        self, conn: Connection, query: str, limit: int, offset: int,
        where: str = "", params: dict[str, object] | None = None,
    ) -> tuple[list[SearchHit], int]:
        """A page of ranked hits with snippets, and the total number of matching documents.
        ``where``: an extra SQL condition on the ``documents`` table (its columns written
        ``documents.x``), with its bound ``params`` (whose names must not start with ``q``)."""
        raise NotImplementedError

    def match_sql(self, query: str) -> tuple[str, dict[str, object]] | None:
        """A subquery selecting the ``pk`` of every document matching ``query`` (for facet
        counts), with its parameters; None when the query can match nothing."""
        raise NotImplementedError


class SQLiteDialect(Dialect):
    name = "sqlite"

    def create_search_index(self, conn: Connection) -> None:
        conn.exec_driver_sql(
            "CREATE VIRTUAL TABLE IF NOT EXISTS documents_fts USING fts5("
            "title, text, content='documents', content_rowid='pk', "
            "tokenize='porter unicode61 remove_diacritics 2')"
        )

    def drop_search_index(self, conn: Connection) -> None:
        conn.exec_driver_sql("DROP TABLE IF EXISTS documents_fts")

    def index_documents(self, conn: Connection, rows: list[dict[str, object]]) -> None:
        if rows:
            conn.execute(
                text("INSERT INTO documents_fts(rowid, title, text) VALUES (:pk, :title, :body)"),
                rows,
            )

    def allocate_pks(self, conn: Connection, n: int) -> list[int]:
        # The writer holds the database lock (BEGIN IMMEDIATE): nobody else can insert.
        top = conn.execute(text("SELECT coalesce(max(pk), 0) FROM documents")).scalar_one()
        return list(range(int(top) + 1, int(top) + 1 + n))

    def lock_for_write(self, conn: Connection) -> None:
        # The connection was opened with BEGIN IMMEDIATE (see database.py): already exclusive.
        return None

    def search(
        self, conn: Connection, query: str, limit: int, offset: int,
        where: str = "", params: dict[str, object] | None = None,
    ) -> tuple[list[SearchHit], int]:
        fts = to_fts5_query(query)
        if not fts:
            return [], 0
        # filters: a join on documents, driven by the full-text match
        join = " JOIN documents ON documents.pk = documents_fts.rowid" if where else ""
        extra = f" AND ({where})" if where else ""
        rows = conn.execute(
            text(
                "SELECT documents_fts.rowid, bm25(documents_fts, 5.0, 1.0) AS rank, "
                f"snippet(documents_fts, 1, '{HL_START}', '{HL_END}', '…', 24) "
                f"FROM documents_fts{join} WHERE documents_fts MATCH :q{extra} "
                "ORDER BY rank LIMIT :limit OFFSET :offset"
            ),
            {**(params or {}), "q": fts, "limit": limit, "offset": offset},
        )
        hits = [SearchHit(int(r[0]), -float(r[1]), str(r[2] or "")) for r in rows]
        if not hits and not offset:
            return hits, 0
        total = conn.execute(
            text(f"SELECT count(*) FROM documents_fts{join} "
                 f"WHERE documents_fts MATCH :q{extra}"),
            {**(params or {}), "q": fts},
        ).scalar_one()
        return hits, int(total)

    def match_sql(self, query: str) -> tuple[str, dict[str, object]] | None:
        fts = to_fts5_query(query)
        if not fts:
            return None
        return "SELECT rowid FROM documents_fts WHERE documents_fts MATCH :q", {"q": fts}


# ts_headline re-parses the text, so it is run only on the page of hits, over a bounded prefix.
_PG_TSV = (
    "setweight(to_tsvector('english', coalesce(title, '')), 'A') || "
    "setweight(to_tsvector('english', left(coalesce(text, ''), 500000)), 'B')"
)


class PostgresDialect(Dialect):
    name = "postgresql"

    def create_search_index(self, conn: Connection) -> None:
        conn.exec_driver_sql(
            "ALTER TABLE documents ADD COLUMN IF NOT EXISTS search_tsv tsvector "
            "GENERATED ALWAYS AS (CASE WHEN kind = 'page' THEN NULL ELSE "
            f"{_PG_TSV} END) STORED"
        )
        conn.exec_driver_sql(
            "CREATE INDEX IF NOT EXISTS ix_documents_search ON documents USING gin(search_tsv)"
        )

    def drop_search_index(self, conn: Connection) -> None:
        conn.exec_driver_sql("DROP INDEX IF EXISTS ix_documents_search")
        conn.exec_driver_sql("ALTER TABLE documents DROP COLUMN IF EXISTS search_tsv")

    def lock_for_write(self, conn: Connection) -> None:
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": CUSTODY_LOCK_KEY})

    def allocate_pks(self, conn: Connection, n: int) -> list[int]:
        if n == 0:
            return []
        rows = conn.execute(
            text("SELECT nextval(pg_get_serial_sequence('documents', 'pk')) "
                 "FROM generate_series(1, :n)"),
            {"n": n},
        )
        return sorted(int(r[0]) for r in rows)

    def search(
        self, conn: Connection, query: str, limit: int, offset: int,
        where: str = "", params: dict[str, object] | None = None,
    ) -> tuple[list[SearchHit], int]:
        extra = f" AND ({where})" if where else ""
        # One scan ranks the matches and counts them (a window count), then snippets are made
        # for the page of hits only.
        rows = conn.execute(
            text(
                "WITH q AS (SELECT websearch_to_tsquery('english', :q) AS tsq), "
                "hits AS (SELECT pk, ts_rank(search_tsv, q.tsq) AS rank, count(*) OVER () AS n "
                f"FROM documents, q WHERE search_tsv @@ q.tsq{extra} "
                "ORDER BY rank DESC, pk LIMIT :limit OFFSET :offset) "
                "SELECT hits.pk, hits.rank, hits.n, ts_headline('english', "
                "left(d.text, 100000), q.tsq, "
                f"'StartSel={HL_START}, StopSel={HL_END}, MaxWords=40, MinWords=15, "
                "MaxFragments=2, FragmentDelimiter=\" … \"') "
                "FROM hits JOIN documents d ON d.pk = hits.pk, q ORDER BY hits.rank DESC, hits.pk"
            ),
            {**(params or {}), "q": query, "limit": limit, "offset": offset},
        ).all()
        hits = [SearchHit(int(r[0]), float(r[1]), str(r[3] or "")) for r in rows]
        if rows or not offset:
            return hits, int(rows[0][2]) if rows else 0
        total = conn.execute(
            text("SELECT count(*) FROM documents "
                 f"WHERE search_tsv @@ websearch_to_tsquery('english', :q){extra}"),
            {**(params or {}), "q": query},
        ).scalar_one()
        return hits, int(total)

    def match_sql(self, query: str) -> tuple[str, dict[str, object]] | None:
        return ("SELECT pk FROM documents "
                "WHERE search_tsv @@ websearch_to_tsquery('english', :q)", {"q": query})


def dialect_for(backend: str) -> Dialect:
    if backend == "sqlite":
        return SQLiteDialect()
    if backend == "postgresql":
        return PostgresDialect()
    raise ValueError(f"unsupported database backend {backend!r}: use SQLite or PostgreSQL")


def to_fts5_query(query: str) -> str:
    """Translate a web-search style query into safe FTS5 syntax (the same syntax PostgreSQL's
    ``websearch_to_tsquery`` accepts): words are ANDed, ``"a phrase"``, ``or`` between terms,
    ``-word`` excludes, ``word*`` is a prefix. Every term is quoted, so punctuation in names
    (Pour-Mohammadi, O'Brien) never becomes FTS5 syntax."""
    terms: list[tuple[str, str]] = []  # (op, quoted term)
    i, n = 0, len(query)
    pending_or = False
    while i < n:
        ch = query[i]
        if ch.isspace():
            i += 1
            continue
        negate = False
        if ch == "-" and i + 1 < n and not query[i + 1].isspace():
            negate = True
            i += 1
            ch = query[i]
        if ch == '"':
            j = query.find('"', i + 1)
            j = n if j == -1 else j
            raw = query[i + 1 : j]
            i = j + 1
            prefix = False
        else:
            j = i
            while j < n and not query[j].isspace():
                j += 1
            raw = query[i:j]
            i = j
            if raw.lower() == "or" and terms and not negate:
                pending_or = True
                continue
            prefix = raw.endswith("*") and len(raw) > 1
            raw = raw.rstrip("*")
        cleaned = raw.replace('"', " ").strip()
        if not any(c.isalnum() for c in cleaned):
            continue
        quoted = '"' + cleaned + '"' + ("*" if prefix else "")
        op = "NOT" if negate else ("OR" if pending_or else "AND")
        pending_or = False
        terms.append((op, quoted))
    # Group runs joined by OR, as websearch_to_tsquery does: ``a b or c`` means a AND (b OR c).
    groups: list[list[str]] = []
    negatives: list[str] = []
    for op, term in terms:
        if op == "NOT":
            negatives.append(term)
        elif op == "OR" and groups:
            groups[-1].append(term)
        else:
            groups.append([term])
    if not groups:
        return ""
    parts = [g[0] if len(g) == 1 else "(" + " OR ".join(g) + ")" for g in groups]
    out = " AND ".join(parts)
    for term in negatives:
        out = f"{out} NOT {term}"
    return out
