"""A relative gets copies of reminders: relative_links (one-time codes, hashed; the name the
citizen gave, encrypted) and reminders.link_id (a reminder row addressed to a relative).

Revision ID: 0008_relatives
Revises: 0007
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from bot.storage.models import UTCDateTime

revision: str = '0008_relatives'
down_revision: str | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('relative_links',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('citizen_id', sa.Integer(), nullable=False),
    sa.Column('hearing_id', sa.Integer(), nullable=True),
    sa.Column('code_hash', sa.String(length=64), nullable=False),
    sa.Column('name', sa.Text(), nullable=True),
    sa.Column('created_at', UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', UTCDateTime(timezone=True), nullable=False),
    sa.Column('used_at', UTCDateTime(timezone=True), nullable=True),
    sa.Column('relative_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['citizen_id'], ['users.id'],
                            name=op.f('fk_relative_links_citizen_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['hearing_id'], ['hearings.id'],
                            name=op.f('fk_relative_links_hearing_id_hearings'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['relative_id'], ['users.id'],
                            name=op.f('fk_relative_links_relative_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_relative_links')),
    sa.UniqueConstraint('code_hash', name=op.f('uq_relative_links_code_hash'))
    )
    with op.batch_alter_table('relative_links', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_relative_links_citizen_id'), ['citizen_id'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_relative_links_hearing_id'), ['hearing_id'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_relative_links_relative_id'), ['relative_id'],
                              unique=False)

    with op.batch_alter_table('reminders', schema=None) as batch_op:
        batch_op.add_column(sa.Column('link_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_reminders_link_id'), ['link_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_reminders_link_id_relative_links'),
                                    'relative_links', ['link_id'], ['id'], ondelete='CASCADE')


def downgrade() -> None:
    with op.batch_alter_table('reminders', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_reminders_link_id_relative_links'),
                                 type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_reminders_link_id'))
        batch_op.drop_column('link_id')
    with op.batch_alter_table('relative_links', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_relative_links_relative_id'))
        batch_op.drop_index(batch_op.f('ix_relative_links_hearing_id'))
        batch_op.drop_index(batch_op.f('ix_relative_links_citizen_id'))
    op.drop_table('relative_links')
