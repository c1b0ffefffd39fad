"""A person's choice to have every screen read aloud.

Revision ID: 0009_voice
Revises: 0008_relatives
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0009_voice'
down_revision: str | None = '0008_relatives'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('users') as batch:
        batch.add_column(sa.Column('read_aloud', sa.Boolean(), nullable=False,
                                   server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table('users') as batch:
        batch.drop_column('read_aloud')
