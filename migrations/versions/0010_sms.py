"""SMS reminders, on the one copy mechanism: a relative link may be the owner's own SMS number
(`relative_links.relation` "self_sms", no invitation code, so `code_hash` and `expires_at` may
be empty) or a relative on any channel, SMS included ("relative"); and SMS counted per day
(`sms_usage`). A reminder row stays addressed to someone besides the hearing's owner only by
`reminders.link_id`.

Revision ID: 0010_sms
Revises: 0009_voice
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from bot.storage.models import UTCDateTime

revision: str = '0010_sms'
down_revision: str | None = '0009_voice'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('relative_links', schema=None) as batch_op:
        batch_op.add_column(sa.Column('relation', sa.String(length=12), nullable=False,
                                      server_default='relative'))
        batch_op.alter_column('code_hash', existing_type=sa.String(length=64), nullable=True)
        batch_op.alter_column('expires_at', existing_type=UTCDateTime(timezone=True),
                              nullable=True)
    op.create_table('sms_usage',
    sa.Column('day', sa.String(length=10), nullable=False),
    sa.Column('messages', sa.Integer(), nullable=False),
    sa.Column('parts', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('day', name=op.f('pk_sms_usage'))
    )


def downgrade() -> None:
    op.drop_table('sms_usage')
    # Links without a code (one's own SMS number) cannot exist before this revision.
    op.execute("DELETE FROM relative_links WHERE code_hash IS NULL OR expires_at IS NULL")
    with op.batch_alter_table('relative_links', schema=None) as batch_op:
        batch_op.alter_column('expires_at', existing_type=UTCDateTime(timezone=True),
                              nullable=False)
        batch_op.alter_column('code_hash', existing_type=sa.String(length=64), nullable=False)
        batch_op.drop_column('relation')
