"""Tables of the case database (SQLAlchemy Core).

The migrations in ``factfinder/db/migrations/versions`` create exactly these tables; a test checks
that the two agree. Timestamps are ISO 8601 UTC strings so that what is hashed into the custody log
is exactly what is stored, on every engine.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
)

metadata = MetaData()

# One row per distinct original (by SHA-256). Later collections of the same bytes are custody
# entries, not rows: the first collection is the one described here.
originals = Table(
    "originals",
    metadata,
    Column("sha256", String(64), primary_key=True),
    Column("size", BigInteger, nullable=False),
    Column("media_type", String(200), nullable=False),
    Column("filename", Text),
    Column("source_url", Text),
    Column("collector", String(200), nullable=False),
    Column("collected_at", String(40), nullable=False),
    Column("reader", String(100), nullable=False),  # reader and version that made its documents
)

# Documents are what a person reads and searches: a whole file, a post of an archive page, a
# message of a mailbox, a response of a WARC. A page that holds posts is a document of kind
# "page" (not indexed for search: its posts are).
documents = Table(
    "documents",
    metadata,
    Column("pk", Integer, primary_key=True, autoincrement=True),
    Column("id", String(32), nullable=False, unique=True),
    Column("original_sha256", String(64), ForeignKey("originals.sha256"), nullable=False),
    Column("parent_id", String(32)),
    Column("unit_key", Text, nullable=False, default=""),
    Column("position", Integer, nullable=False, default=0),
    Column("kind", String(20), nullable=False),
    Column("media_type", String(200), nullable=False),
    Column("title", Text),
    Column("url", Text),
    Column("published", String(40)),
    Column("author", Text),
    Column("site_name", Text),
    Column("text", Text, nullable=False),
    Column("chars", Integer, nullable=False),
    # Span of this document in its unit's text layer, the offset map from ``text`` back to that
    # layer, and the layer's hash: the text is provably derived from the original.
    Column("source_start", Integer, nullable=False),
    Column("source_end", Integer, nullable=False),
    Column("offset_map", Text, nullable=False),
    Column("layer_sha256", String(64), nullable=False),
    Column("meta", Text, nullable=False, default="{}"),
    Column("duplicate_group", String(32)),
    Column("created_at", String(40), nullable=False),
)
Index("ix_documents_original", documents.c.original_sha256)
Index("ix_documents_parent", documents.c.parent_id)
Index("ix_documents_dupgroup", documents.c.duplicate_group)

# MinHash signatures and their LSH band keys, so near-duplicate search is an indexed lookup that
# scales with the database instead of an in-memory index rebuilt on every run.
minhashes = Table(
    "minhashes",
    metadata,
    Column("document_pk", Integer, ForeignKey("documents.pk"), primary_key=True),
    Column("signature", LargeBinary, nullable=False),
)
lsh_bands = Table(
    "lsh_bands",
    metadata,
    Column("band", Integer, nullable=False),
    Column("bucket", BigInteger, nullable=False),
    Column("document_pk", Integer, ForeignKey("documents.pk"), nullable=False),
)
Index("ix_lsh_bucket", lsh_bands.c.bucket)

# Append-only, hash-chained custody log.
custody_log = Table(
    "custody_log",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("at", String(40), nullable=False),
    Column("actor", String(200), nullable=False),
    Column("action", String(40), nullable=False),
    Column("object", Text, nullable=False),
    Column("details", Text, nullable=False),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
)
Index("ix_custody_object", custody_log.c.object)

# Extracted items (mentions, dates, quotes, claims, events): one generic table, as
# followthemoney does with its schemata: common columns for span and provenance, ``data`` (JSON)
# for each kind's own fields. ``start``/``end`` are offsets in the document's clean text,
# ``source_start``/``source_end`` the same span in the original's text layer.
extractions = Table(
    "extractions",
    metadata,
    Column("pk", Integer, primary_key=True, autoincrement=True),
    Column("id", String(32), nullable=False, unique=True),
    Column("document_id", String(32), ForeignKey("documents.id"), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    Column("source_start", Integer, nullable=False),
    Column("source_end", Integer, nullable=False),
    Column("text", Text, nullable=False),
    Column("label", String(64)),
    Column("data", Text, nullable=False),
    Column("confidence", Float, nullable=False),
    Column("extractor", String(64), nullable=False),
    Column("version", String(100), nullable=False),
    Column("created_at", String(40), nullable=False),
)
Index("ix_extractions_doc", extractions.c.document_id, extractions.c.kind)
Index("ix_extractions_kind_label", extractions.c.kind, extractions.c.label)
