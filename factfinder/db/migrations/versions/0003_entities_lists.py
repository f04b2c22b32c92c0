"""Entity resolution (entities, their mentions, analysts' decisions) and victim lists with
their linkage runs, links and clusters.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-21
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "entities",
        sa.Column("pk", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("id", sa.String(32), nullable=False, unique=True),
        sa.Column("type", sa.String(16), nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("data", sa.Text, nullable=False),
        sa.Column("updated_at", sa.String(40), nullable=False),
    )
    op.create_table(
        "entity_mentions",
        sa.Column("pk", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("entity_id", sa.String(32), nullable=False),
        sa.Column("extraction_id", sa.String(32), nullable=False, unique=True),
        sa.Column("document_id", sa.String(32), nullable=False),
        sa.Column("form", sa.Text, nullable=False),
        sa.Column("how", sa.String(32), nullable=False),
        sa.Column("score", sa.Float, nullable=False),
    )
    op.create_table(
        "entity_decisions",
        sa.Column("pk", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("subject", sa.Text, nullable=False),
        sa.Column("value", sa.Text, nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("at", sa.String(40), nullable=False),
        sa.Column("revoked", sa.Integer, nullable=False, default=0),
    )
    op.create_table(
        "lists",
        sa.Column("pk", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("id", sa.String(32), nullable=False, unique=True),
        sa.Column("name", sa.String(200), nullable=False, unique=True),
        sa.Column("original_sha256", sa.String(64)),
        sa.Column("mapping", sa.Text, nullable=False),
        sa.Column("records", sa.Integer, nullable=False),
        sa.Column("created_at", sa.String(40), nullable=False),
    )
    op.create_table(
        "list_records",
        sa.Column("pk", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("list_id", sa.String(32), nullable=False),
        sa.Column("record_id", sa.String(200), nullable=False),
        sa.Column("full_name", sa.Text),
        sa.Column("given_name", sa.Text),
        sa.Column("family_name", sa.Text),
        sa.Column("father_name", sa.Text),
        sa.Column("sex", sa.String(8)),
        sa.Column("birth_year", sa.Integer),
        sa.Column("date", sa.String(40)),
        sa.Column("place", sa.Text),
        sa.Column("prison", sa.Text),
        sa.Column("affiliation", sa.Text),
        sa.Column("data", sa.Text, nullable=False),
        sa.UniqueConstraint("list_id", "record_id", name="uq_list_records"),
    )
    op.create_table(
        "list_links",
        sa.Column("pk", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("run_id", sa.String(32), nullable=False),
        sa.Column("left_list", sa.String(200), nullable=False),
        sa.Column("left_id", sa.String(200), nullable=False),
        sa.Column("right_list", sa.String(200), nullable=False),
        sa.Column("right_id", sa.String(200), nullable=False),
        sa.Column("score", sa.Float, nullable=False),
        sa.Column("data", sa.Text, nullable=False),
    )
    op.create_table(
        "list_clusters",
        sa.Column("pk", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("run_id", sa.String(32), nullable=False),
        sa.Column("cluster_id", sa.String(32), nullable=False),
        sa.Column("list_name", sa.String(200), nullable=False),
        sa.Column("record_id", sa.String(200), nullable=False),
    )
    op.create_table(
        "linkage_runs",
        sa.Column("pk", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("id", sa.String(32), nullable=False, unique=True),
        sa.Column("lists", sa.Text, nullable=False),
        sa.Column("settings", sa.Text, nullable=False),
        sa.Column("created_at", sa.String(40), nullable=False),
    )
    op.create_index("ix_entities_type", "entities", ["type"])
    op.create_index("ix_entity_mentions_entity", "entity_mentions", ["entity_id"])
    op.create_index("ix_entity_mentions_doc", "entity_mentions", ["document_id"])
    op.create_index("ix_list_links_run", "list_links", ["run_id"])
    op.create_index("ix_list_clusters_run", "list_clusters", ["run_id", "cluster_id"])


def downgrade() -> None:
    op.drop_table("linkage_runs")
    op.drop_table("list_clusters")
    op.drop_table("list_links")
    op.drop_table("list_records")
    op.drop_table("lists")
    op.drop_table("entity_decisions")
    op.drop_table("entity_mentions")
    op.drop_table("entities")
