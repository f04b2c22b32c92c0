"""Initial schema: originals, documents, search index, near-duplicate signatures, custody log.

Revision ID: 0001
Revises:
Create Date: 2026-11-21
"""

import sqlalchemy as sa
from alembic import op

from factfinder.db.dialect import dialect_for

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "originals",
        sa.Column("sha256", sa.String(64), primary_key=True),
        sa.Column("size", sa.BigInteger, nullable=False),
        sa.Column("media_type", sa.String(200), nullable=False),
        sa.Column("filename", sa.Text),
        sa.Column("source_url", sa.Text),
        sa.Column("collector", sa.String(200), nullable=False),
        sa.Column("collected_at", sa.String(40), nullable=False),
        sa.Column("reader", sa.String(100), nullable=False),
    )
    op.create_table(
        "documents",
        sa.Column("pk", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("id", sa.String(32), nullable=False, unique=True),
        sa.Column(
            "original_sha256", sa.String(64), sa.ForeignKey("originals.sha256"), nullable=False
        ),
        sa.Column("parent_id", sa.String(32)),
        sa.Column("unit_key", sa.Text, nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("media_type", sa.String(200), nullable=False),
        sa.Column("title", sa.Text),
        sa.Column("url", sa.Text),
        sa.Column("published", sa.String(40)),
        sa.Column("author", sa.Text),
        sa.Column("site_name", sa.Text),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("chars", sa.Integer, nullable=False),
        sa.Column("source_start", sa.Integer, nullable=False),
        sa.Column("source_end", sa.Integer, nullable=False),
        sa.Column("offset_map", sa.Text, nullable=False),
        sa.Column("layer_sha256", sa.String(64), nullable=False),
        sa.Column("meta", sa.Text, nullable=False),
        sa.Column("duplicate_group", sa.String(32)),
        sa.Column("created_at", sa.String(40), nullable=False),
    )
    op.create_index("ix_documents_original", "documents", ["original_sha256"])
    op.create_index("ix_documents_parent", "documents", ["parent_id"])
    op.create_index("ix_documents_dupgroup", "documents", ["duplicate_group"])
    op.create_table(
        "minhashes",
        sa.Column(
            "document_pk", sa.Integer, sa.ForeignKey("documents.pk"), primary_key=True
        ),
        sa.Column("signature", sa.LargeBinary, nullable=False),
    )
    op.create_table(
        "lsh_bands",
        sa.Column("band", sa.Integer, nullable=False),
        sa.Column("bucket", sa.BigInteger, nullable=False),
        sa.Column("document_pk", sa.Integer, sa.ForeignKey("documents.pk"), nullable=False),
    )
    op.create_index("ix_lsh_bucket", "lsh_bands", ["bucket"])
    op.create_table(
        "custody_log",
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("at", sa.String(40), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("object", sa.Text, nullable=False),
        sa.Column("details", sa.Text, nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
    )
    op.create_index("ix_custody_object", "custody_log", ["object"])
    bind = op.get_bind()
    dialect_for(bind.dialect.name).create_search_index(bind)


def downgrade() -> None:
    bind = op.get_bind()
    dialect_for(bind.dialect.name).drop_search_index(bind)
    for table in ("custody_log", "lsh_bands", "minhashes", "documents", "originals"):
        op.drop_table(table)
