"""Entity–document and event type–document pairs, once each and by integer keys, for the
search page's facets and filters.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-21
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "entity_documents",
        sa.Column("document_pk", sa.Integer, nullable=False),
        sa.Column("entity_pk", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("document_pk", "entity_pk"),
        sqlite_with_rowid=False,
    )
    op.create_index("ix_entity_documents_entity", "entity_documents", ["entity_pk"])
    op.execute("INSERT INTO entity_documents (document_pk, entity_pk) "
               "SELECT DISTINCT d.pk, e.pk FROM entity_mentions em "
               "JOIN documents d ON d.id = em.document_id JOIN entities e ON e.id = em.entity_id")
    op.create_table(
        "event_documents",
        sa.Column("document_pk", sa.Integer, nullable=False),
        sa.Column("label", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("document_pk", "label"),
        sqlite_with_rowid=False,
    )
    op.create_index("ix_event_documents_label", "event_documents", ["label"])
    op.execute("INSERT INTO event_documents (document_pk, label) SELECT DISTINCT d.pk, x.label "
               "FROM extractions x JOIN documents d ON d.id = x.document_id "
               "WHERE x.kind = 'event' AND x.label IS NOT NULL")


def downgrade() -> None:
    op.drop_table("event_documents")
    op.drop_table("entity_documents")
