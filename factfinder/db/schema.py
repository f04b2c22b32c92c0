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
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    UniqueConstraint,
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

# The event types each document reports, once per pair (migration 0006), kept in step with
# ``extractions`` by every extraction run: the search page's event-type facet and filter count on
# it. Keyed by the document's integer ``pk`` (what the full-text index returns).
event_documents = Table(
    "event_documents",
    metadata,
    Column("document_pk", Integer, nullable=False),
    Column("label", String(64), nullable=False),
    PrimaryKeyConstraint("document_pk", "label"),
    sqlite_with_rowid=False,
)
Index("ix_event_documents_label", event_documents.c.label)

# -- entity resolution (migration 0003) ------------------------------------------------------
# An entity is a person, organisation or place; its id is stable across re-runs (derived from
# its anchor form by the resolver). ``entity_mentions`` links extracted mentions to entities and
# is rebuilt by every resolution run; ``entity_decisions`` holds the analysts' decisions (merge,
# split, not-same, rename), which survive re-extraction and always win over the algorithm.
entities = Table(
    "entities",
    metadata,
    Column("pk", Integer, primary_key=True, autoincrement=True),
    Column("id", String(32), nullable=False, unique=True),
    Column("type", String(16), nullable=False),  # person / organisation / place
    Column("name", Text, nullable=False),  # preferred form
    Column("data", Text, nullable=False),  # JSON: keys, aliases, context
    Column("updated_at", String(40), nullable=False),
)
Index("ix_entities_type", entities.c.type)

entity_mentions = Table(
    "entity_mentions",
    metadata,
    Column("pk", Integer, primary_key=True, autoincrement=True),
    Column("entity_id", String(32), nullable=False),
    Column("extraction_id", String(32), nullable=False, unique=True),
    Column("document_id", String(32), nullable=False),
    Column("form", Text, nullable=False),  # the surface form as written
    Column("how", String(32), nullable=False),  # rule that linked it, or "decision"
    Column("score", Float, nullable=False),
)
Index("ix_entity_mentions_entity", entity_mentions.c.entity_id)
Index("ix_entity_mentions_doc", entity_mentions.c.document_id)

# Which documents mention which entity, once per pair (migration 0006): ``entity_mentions``
# without the repeats, by integer keys (document ``pk``, entity ``pk``), rebuilt with it by
# every resolution run; the search page's entity facet and filter count on it.
entity_documents = Table(
    "entity_documents",
    metadata,
    Column("document_pk", Integer, nullable=False),
    Column("entity_pk", Integer, nullable=False),
    PrimaryKeyConstraint("document_pk", "entity_pk"),
    sqlite_with_rowid=False,
)
Index("ix_entity_documents_entity", entity_documents.c.entity_pk)

entity_decisions = Table(
    "entity_decisions",
    metadata,
    Column("pk", Integer, primary_key=True, autoincrement=True),
    Column("action", String(16), nullable=False),  # merge / split / not-same / rename
    Column("subject", Text, nullable=False),  # what it is about (entity id, form …), as JSON
    Column("value", Text, nullable=False),  # the decision's content, as JSON
    Column("actor", String(200), nullable=False),
    Column("at", String(40), nullable=False),
    Column("revoked", Integer, nullable=False, default=0),
)

# -- victim lists and their linkage (migration 0003) -----------------------------------------
lists = Table(
    "lists",
    metadata,
    Column("pk", Integer, primary_key=True, autoincrement=True),
    Column("id", String(32), nullable=False, unique=True),
    Column("name", String(200), nullable=False, unique=True),  # short name (file stem or --name)
    Column("original_sha256", String(64)),  # the list file, kept in the evidence store
    Column("mapping", Text, nullable=False),  # JSON: our field → the file's header
    Column("records", Integer, nullable=False),
    Column("created_at", String(40), nullable=False),
)

list_records = Table(
    "list_records",
    metadata,
    Column("pk", Integer, primary_key=True, autoincrement=True),
    Column("list_id", String(32), nullable=False),
    Column("record_id", String(200), nullable=False),
    Column("full_name", Text),
    Column("given_name", Text),
    Column("family_name", Text),
    Column("father_name", Text),
    Column("sex", String(8)),
    Column("birth_year", Integer),
    Column("date", String(40)),
    Column("place", Text),
    Column("prison", Text),
    Column("affiliation", Text),
    Column("data", Text, nullable=False),  # JSON: the whole row as read
    UniqueConstraint("list_id", "record_id", name="uq_list_records"),
)

list_links = Table(
    "list_links",
    metadata,
    Column("pk", Integer, primary_key=True, autoincrement=True),
    Column("run_id", String(32), nullable=False),  # one linkage run
    Column("left_list", String(200), nullable=False),
    Column("left_id", String(200), nullable=False),
    Column("right_list", String(200), nullable=False),
    Column("right_id", String(200), nullable=False),
    Column("score", Float, nullable=False),
    Column("data", Text, nullable=False),  # JSON: per-field explanation
)
Index("ix_list_links_run", list_links.c.run_id)

list_clusters = Table(
    "list_clusters",
    metadata,
    Column("pk", Integer, primary_key=True, autoincrement=True),
    Column("run_id", String(32), nullable=False),
    Column("cluster_id", String(32), nullable=False),
    Column("list_name", String(200), nullable=False),
    Column("record_id", String(200), nullable=False),
)
Index("ix_list_clusters_run", list_clusters.c.run_id, list_clusters.c.cluster_id)

linkage_runs = Table(
    "linkage_runs",
    metadata,
    Column("pk", Integer, primary_key=True, autoincrement=True),
    Column("id", String(32), nullable=False, unique=True),
    Column("lists", Text, nullable=False),  # JSON list of list names
    Column("settings", Text, nullable=False),  # JSON: threshold, backend, model parameters
    Column("created_at", String(40), nullable=False),
)

# -- claims ledger (migration 0004) ----------------------------------------------------------
# The ledger's entries and groups are computed from the extractions on every read; what is
# stored is what people decide: moves and splits of groups (replayed after every regrouping,
# like entity decisions), source reliability (Admiralty A–F) and claim credibility (1–6). Every
# row is also a custody-log entry. Ratings are never guessed: only people write these rows,
# and a later rating of the same source or claim supersedes an earlier one (history is kept).
ledger_decisions = Table(
    "ledger_decisions",
    metadata,
    Column("pk", Integer, primary_key=True, autoincrement=True),
    Column("action", String(16), nullable=False),  # move / split / revoke
    Column("subject", Text, nullable=False),  # JSON: the claims (ids and words) it is about
    Column("value", Text, nullable=False),  # JSON: target group, new group id …
    Column("actor", String(200), nullable=False),
    Column("at", String(40), nullable=False),
    Column("revoked", Integer, nullable=False, default=0),
)

source_ratings = Table(
    "source_ratings",
    metadata,
    Column("pk", Integer, primary_key=True, autoincrement=True),
    Column("source", String(300), nullable=False),  # "entity:<id>", "name:<name>" or "page:<sha>"
    Column("name", Text, nullable=False),  # the source as people know it
    Column("grade", String(1), nullable=False),  # A–F
    Column("note", Text),
    Column("actor", String(200), nullable=False),
    Column("at", String(40), nullable=False),
)
Index("ix_source_ratings_source", source_ratings.c.source)

claim_credibility = Table(
    "claim_credibility",
    metadata,
    Column("pk", Integer, primary_key=True, autoincrement=True),
    Column("claim_id", String(32), nullable=False),  # the extraction id of the claim or event
    Column("document_id", String(32), nullable=False),
    Column("words", Text, nullable=False),  # the claim's words when rated
    Column("grade", Integer, nullable=False),  # 1–6
    Column("note", Text),
    Column("actor", String(200), nullable=False),
    Column("at", String(40), nullable=False),
)
Index("ix_claim_credibility_claim", claim_credibility.c.claim_id)

# -- users and web sessions (migration 0005) -------------------------------------------------
# People who log in to the web app, with one role each (admin, investigator, reviewer, viewer).
# Passwords are stored only as argon2id hashes; users are disabled, never deleted, so that the
# custody log's actors keep pointing at someone. Every change is also a custody-log entry.
users = Table(
    "users",
    metadata,
    Column("pk", Integer, primary_key=True, autoincrement=True),
    Column("username", String(64), nullable=False, unique=True),  # lower case
    Column("role", String(16), nullable=False),
    Column("password_hash", Text, nullable=False),
    Column("created_at", String(40), nullable=False),
    Column("updated_at", String(40), nullable=False),
    Column("disabled", Integer, nullable=False, default=0),
)

# Login sessions: the browser holds a random token, the database only its SHA-256, so a copy of
# the database does not let anyone log in. A session ends at logout, at ``expires_at``, after a
# while without requests (``last_seen_at``), or when its user is disabled or changes password.
sessions = Table(
    "sessions",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("username", String(64), nullable=False),
    Column("created_at", String(40), nullable=False),
    Column("expires_at", String(40), nullable=False),
    Column("last_seen_at", String(40), nullable=False),
)
Index("ix_sessions_username", sessions.c.username)

# Failed logins, for rate limiting only (pruned after a day). Username and client address are
# stored as keyed hashes: a password typed into the username field never lands here in clear.
login_attempts = Table(
    "login_attempts",
    metadata,
    Column("pk", Integer, primary_key=True, autoincrement=True),
    Column("user_key", String(64), nullable=False),
    Column("address_key", String(64), nullable=False),
    Column("at", String(40), nullable=False),
)
Index("ix_login_attempts_user", login_attempts.c.user_key, login_attempts.c.at)
Index("ix_login_attempts_address", login_attempts.c.address_key, login_attempts.c.at)

# Server secrets (the key that signs CSRF tokens of visitors who are not logged in and keys the
# hashes above), made at random on first use and shared by every process serving the database.
auth_keys = Table(
    "auth_keys",
    metadata,
    Column("name", String(40), primary_key=True),
    Column("value", String(128), nullable=False),
    Column("created_at", String(40), nullable=False),
)
