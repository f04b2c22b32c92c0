"""Entity–document and event type–document pairs, once each, for the search page's facets.

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
        sa.Column("entity_id", sa.String(32), nullable=False),
        sa.Column("document_id", sa.String(32), nullable=False),
        sa.PrimaryKeyConstraint("document_id", "entity_id"),
    )
    op.create_index("ix_entity_documents_entity", "entity_documents", ["entity_id"])
    op.execute("INSERT INTO entity_documents (entity_id, document_id) "
               "SELECT DISTINCT entity_id, document_id FROM entity_mentions")
    op.create_table(
        "event_documents",
        sa.Column("document_id", sa.String(32), nullable=False),
        sa.Column("label", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("document_id", "label"),
    )
    op.create_index("ix_event_documents_label", "event_documents", ["label"])
    op.execute("INSERT INTO event_documents (document_id, label) SELECT DISTINCT document_id, "
               "label FROM extractions WHERE kind = 'event' AND label IS NOT NULL")


def downgrade() -> None:
    op.drop_table("event_documents")
    op.drop_table("entity_documents")
