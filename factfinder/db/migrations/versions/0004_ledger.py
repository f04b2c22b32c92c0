"""Claims ledger: analysts' decisions on groups (move, split), source reliability ratings and
claim credibility ratings.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-21
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ledger_decisions",
        sa.Column("pk", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("subject", sa.Text, nullable=False),
        sa.Column("value", sa.Text, nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("at", sa.String(40), nullable=False),
        sa.Column("revoked", sa.Integer, nullable=False, default=0),
    )
    op.create_table(
        "source_ratings",
        sa.Column("pk", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("source", sa.String(300), nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("grade", sa.String(1), nullable=False),
        sa.Column("note", sa.Text),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("at", sa.String(40), nullable=False),
    )
    op.create_table(
        "claim_credibility",
        sa.Column("pk", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("claim_id", sa.String(32), nullable=False),
        sa.Column("document_id", sa.String(32), nullable=False),
        sa.Column("words", sa.Text, nullable=False),
        sa.Column("grade", sa.Integer, nullable=False),
        sa.Column("note", sa.Text),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("at", sa.String(40), nullable=False),
    )
    op.create_index("ix_source_ratings_source", "source_ratings", ["source"])
    op.create_index("ix_claim_credibility_claim", "claim_credibility", ["claim_id"])


def downgrade() -> None:
    op.drop_table("claim_credibility")
    op.drop_table("source_ratings")
    op.drop_table("ledger_decisions")
