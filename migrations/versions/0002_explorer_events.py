"""Anonymous Solution Explorer statistics.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op


revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "explorer_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("pathway", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("detail", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_explorer_events")),
    )
    op.create_index(op.f("ix_explorer_events_at"), "explorer_events", ["at"])
    op.create_index(op.f("ix_explorer_events_pathway"), "explorer_events", ["pathway"])


def downgrade() -> None:
    op.drop_index(op.f("ix_explorer_events_pathway"), table_name="explorer_events")
    op.drop_index(op.f("ix_explorer_events_at"), table_name="explorer_events")
    op.drop_table("explorer_events")
